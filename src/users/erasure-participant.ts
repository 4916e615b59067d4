import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** Something of a person's that must end before their account can be erased. */
export interface Underway {
  /** How the refusal counts them, e.g. `booking(s) to come`. */
  what: string;
  /** Where the refusal lists their ids, e.g. `reservationIds`. */
  key: string;
  ids: string[];
}

/**
 * A module that keeps data about people takes part in erasing an account: it says what of the
 * person's is still underway (erasure is refused until it ends) and erases or anonymises its own
 * rows, through its own entities, inside the one transaction of the erasure. Modules register
 * with AccountErasureService when they start; users, below them all, never reaches into their
 * tables.
 */
export interface ErasureParticipant {
  /** Every entity of the module whose rows name a person: the ones `erase` handles. */
  readonly entities: ReadonlyArray<EntityTarget<ObjectLiteral>>;
  underway?(manager: EntityManager, userId: string, now: number): Promise<Underway | null>;
  erase(manager: EntityManager, userId: string, now: number): Promise<void>;
}
