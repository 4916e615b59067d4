import { Injectable } from '@nestjs/common';

type OwnerLookup = (jobId: string) => Promise<string | null>;

/**
 * Whose job a machine reports running, for deciding who may read its name in live state. Jobs
 * sit above machines, so the jobs module answers (it registers its lookup when it starts); until
 * it does, a job belongs to nobody and only staff of the site see its name.
 */
@Injectable()
export class JobOwners {
  private lookup: OwnerLookup = () => Promise.resolve(null);

  answerWith(lookup: OwnerLookup): void {
    this.lookup = lookup;
  }

  /** The account the job belongs to; null for an unknown job or one started at the machine. */
  ownerOf(jobId: string | null | undefined): Promise<string | null> {
    return jobId ? this.lookup(jobId) : Promise.resolve(null);
  }
}
