import { describe, expect, it } from '@jest/globals';
import { validate } from 'class-validator';
import { ProfileDto, SetTagsDto } from './people.dto.js';
import {
  AGE_BANDS,
  declaredAnswers,
  DECLARED_STATUSES,
  memberCodeCandidate,
  memberCodePrefix,
  newMakerKey,
  normalizeTags,
  printablePassword,
  TAG,
} from './people.rules.js';

/** The first reason the API would answer with for these tags, or null when they are accepted. */
async function tagsRefusal(tags: unknown): Promise<string | null> {
  const errors = await validate(Object.assign(new SetTagsDto(), { tags }));
  return errors.length === 0 ? null : Object.values(errors[0].constraints ?? {})[0];
}

describe('tags staff put on makers and bookings', () => {
  it('trims, collapses spaces and folds case, keeping accents', () => {
    expect(normalizeTags([' Pré-Qualif 2026 '])).toEqual(['pré-qualif 2026']);
    expect(normalizeTags(['Cohorte\t\t2026', 'ÉCOLE  du   soir'])).toEqual(['cohorte 2026', 'école du soir']);
  });

  it('drops repeats, including those that differ only in case, spacing or Unicode form', () => {
    // "Pré" typed precomposed (U+00E9) and decomposed (e + U+0301) is one tag after NFKC.
    const decomposed = 'pre\u0301-qualif 2026';
    expect(normalizeTags(['Pré-Qualif 2026', ' pré-qualif  2026', decomposed, 'PRÉ-QUALIF 2026'])).toEqual([
      'pré-qualif 2026',
    ]);
    // Full-width letters (a Japanese or Chinese keyboard) fold to the plain ones.
    expect(normalizeTags(['ＦａｂＬａｂ', 'fablab'])).toEqual(['fablab']);
  });

  it('drops blank tags and sorts the rest, so the stored list does not depend on typing order', () => {
    expect(normalizeTags(['zéro déchet', '   ', '', 'atelier', 'Bénévoles'])).toEqual([
      'atelier',
      'bénévoles',
      'zéro déchet',
    ]);
    expect(normalizeTags([])).toEqual([]);
  });

  it('keeps Arabic tags as written (no case to fold)', () => {
    expect(normalizeTags(['  تدريب   مهني ', 'تدريب مهني'])).toEqual(['تدريب مهني']);
  });

  it('accepts tags as staff type or paste them, surrounding spaces and accents included', async () => {
    expect(await tagsRefusal([' Pré-Qualif 2026 ', 'cohorte:2026', 'atelier_bois', 'v1.2'])).toBeNull();
    // A decomposed accent and Arabic with vowel marks are letters with combining marks.
    expect(await tagsRefusal(['pre\u0301-qualif', 'تَدْرِيب'])).toBeNull();
    expect(TAG.test('a'.repeat(48))).toBe(true);
  });

  it('refuses 21 tags, naming the limit', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `tag ${i + 1}`);
    expect(await tagsRefusal(twenty)).toBeNull();
    expect(await tagsRefusal([...twenty, 'tag 21'])).toBe('tags must contain no more than 20 elements');
  });

  it('refuses tags that are not words, with the rule in the reason', async () => {
    const reason = 'tags must be 1–48 letters, digits, spaces, _ . : or -';
    expect(await tagsRefusal(['=cmd()'])).toBe(reason); // a spreadsheet formula
    expect(await tagsRefusal(['-pré-qualif'])).toBe(reason); // must start with a letter or digit
    expect(await tagsRefusal(['   '])).toBe(reason);
    expect(await tagsRefusal(['a'.repeat(49)])).toBe(reason);
    expect(await tagsRefusal(['<b>x</b>'])).toBe(reason);
  });
});

describe('declared categories', () => {
  it('keeps the answers given, gender in the person’s own words with spaces tidied', () => {
    expect(declaredAnswers({ ageBand: '26-40', status: 'job_seeker', gender: '  Femme   trans ' })).toEqual({
      ageBand: '26-40',
      status: 'job_seeker',
      gender: 'Femme trans',
    });
  });

  it('does not case-fold gender: the person’s words are stored as written', () => {
    expect(declaredAnswers({ gender: 'Non-Binaire' })).toEqual({ gender: 'Non-Binaire' });
  });

  it('stores no field for a question left out or answered with blanks', () => {
    expect(declaredAnswers({ gender: '   ' })).toEqual({});
    expect(declaredAnswers({ status: 'retired' })).toEqual({ status: 'retired' });
    expect(declaredAnswers({})).toEqual({});
  });

  it('stores only the three answers, never the consent flag or anything else sent with them', () => {
    const sent = { consent: true, ageBand: '18-25' as const, email: 'a@b.fr' };
    expect(declaredAnswers(sent)).toEqual({ ageBand: '18-25' });
  });

  it('offers coarse age bands only, and the statuses the statistics know', () => {
    expect(AGE_BANDS).toEqual(['under-18', '18-25', '26-40', '41-60', 'over-60']);
    expect(DECLARED_STATUSES).toEqual(['student', 'job_seeker', 'retraining', 'employed', 'retired', 'other']);
  });

  it('refuses a birth year, an unknown status or a missing consent answer in the profile form', async () => {
    const refused = async (body: object) =>
      (await validate(Object.assign(new ProfileDto(), body))).map((e) => e.property);
    expect(await refused({ consent: true, ageBand: '1990' })).toEqual(['ageBand']);
    expect(await refused({ consent: true, status: 'boss' })).toEqual(['status']);
    expect(await refused({ ageBand: '18-25' })).toEqual(['consent']);
    // Withdrawing consent is a valid answer with nothing else (the service then erases the answers).
    expect(await refused({ consent: false })).toEqual([]);
  });
});

describe('member codes for desk accounts', () => {
  it('starts with the initials of a two-word site id, or the first two letters of one word', () => {
    expect(memberCodePrefix('saint-ouen')).toBe('SO');
    expect(memberCodePrefix('la_villette')).toBe('LV');
    expect(memberCodePrefix('dakar')).toBe('DA');
    expect(memberCodePrefix('belleville')).toBe('BE');
    // Words starting with a digit are not initials.
    expect(memberCodePrefix('fablab-2')).toBe('FA');
    expect(memberCodePrefix('saint-ouen-2')).toBe('SO');
    // No word at all: a fixed prefix rather than an empty one.
    expect(memberCodePrefix('42')).toBe('FA');
  });

  it('is the prefix, a dash and four digits, so letters and digits never share a position', () => {
    const codes = Array.from({ length: 300 }, () => memberCodeCandidate('saint-ouen', 0));
    for (const code of codes) {
      // Letters only before the dash, digits only after: an O is never a 0, an I never a 1.
      expect(code).toMatch(/^SO-[1-9]\d{3}$/);
      // What the sign-in form accepts as a member code.
      expect(code).toMatch(/^[A-Za-z0-9-]{4,32}$/);
    }
    expect(new Set(codes).size).toBeGreaterThan(250); // drawn at random from 9000
  });

  it('grows the number to five, then six digits once collisions become likely', () => {
    expect(memberCodeCandidate('dakar', 7)).toMatch(/^DA-[1-9]\d{3}$/);
    expect(memberCodeCandidate('dakar', 8)).toMatch(/^DA-[1-9]\d{4}$/);
    expect(memberCodeCandidate('dakar', 15)).toMatch(/^DA-[1-9]\d{4}$/);
    expect(memberCodeCandidate('dakar', 16)).toMatch(/^DA-[1-9]\d{5}$/);
    expect(memberCodeCandidate('dakar', 23)).toMatch(/^DA-[1-9]\d{5}$/);
  });
});

describe('printed passwords and maker keys', () => {
  it('prints three groups of lowercase letters and digits, without 0/o or 1/l/I', () => {
    const passwords = Array.from({ length: 300 }, () => printablePassword());
    for (const password of passwords) {
      expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      expect(password).not.toMatch(/[01oOlI]/);
      expect(password.length).toBeGreaterThanOrEqual(8); // what the sign-in form accepts
    }
    expect(new Set(passwords).size).toBe(300);
  });

  it('gives every account an unrelated 128-bit key', () => {
    const keys = Array.from({ length: 100 }, () => newMakerKey());
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(100);
  });
});
