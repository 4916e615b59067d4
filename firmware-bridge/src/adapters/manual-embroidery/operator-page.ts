// The operator's page: one plain HTML form per step that makes sense now, in French or English,
// no script, no framework. Everything shown is escaped; the PIN travels with each form post.
import type { BridgeMachineState, MachineStateSnapshot } from '../../contract/index.js';
import type { Language } from './manual-options.js';
import type { Operator, Step } from './operator-steps.js';

interface Labels {
  title: string;
  state: string;
  design: string;
  colour: string;
  stitches: string;
  pin: string;
  send: string;
  waiting: string;
  download: string;
  refresh: string;
  steps: Record<Step, string>;
  fields: { name: string; stitches: string; colors: string; stitch: string };
  states: Partial<Record<BridgeMachineState, string>>;
}

export const LABELS: Record<Language, Labels> = {
  fr: {
    title: 'Brodeuse',
    state: 'État',
    design: 'Motif',
    colour: 'Couleur',
    stitches: 'Points',
    pin: 'Code PIN',
    send: 'Valider',
    waiting: 'Motif demandé par la réservation',
    download: 'Télécharger le fichier',
    refresh: 'Actualiser',
    steps: {
      load: 'Motif chargé',
      start: 'Broderie démarrée',
      color: 'Changement de couleur',
      thread: 'Casse de fil',
      pause: 'Pause',
      resume: 'Reprise',
      progress: 'Points brodés',
      finish: 'Broderie terminée',
      abort: 'Abandon',
      clear: 'Cadre retiré',
    },
    fields: {
      name: 'Nom du motif',
      stitches: 'Nombre de points',
      colors: 'Nombre de couleurs',
      stitch: 'Points brodés',
    },
    states: {
      idle: 'Libre',
      preparing: 'Motif chargé',
      running: 'Broderie en cours',
      paused: 'En pause',
      awaiting_clear: 'Cadre à retirer',
      offline: 'Hors ligne',
    },
  },
  en: {
    title: 'Embroidery machine',
    state: 'State',
    design: 'Design',
    colour: 'Colour',
    stitches: 'Stitches',
    pin: 'PIN',
    send: 'Confirm',
    waiting: 'Design requested by the booking',
    download: 'Download the file',
    refresh: 'Refresh',
    steps: {
      load: 'Design loaded',
      start: 'Sewing started',
      color: 'Colour change',
      thread: 'Thread break',
      pause: 'Pause',
      resume: 'Resumed',
      progress: 'Stitches sewn',
      finish: 'Design finished',
      abort: 'Abandoned',
      clear: 'Hoop cleared',
    },
    fields: { name: 'Design name', stitches: 'Stitch count', colors: 'Colour count', stitch: 'Stitches sewn' },
    states: {
      idle: 'Free',
      preparing: 'Design loaded',
      running: 'Sewing',
      paused: 'Paused',
      awaiting_clear: 'Hoop to clear',
      offline: 'Offline',
    },
  },
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageInput {
  machineId: string;
  language: Language;
  snapshot: MachineStateSnapshot;
  operator: Operator;
  steps: readonly Step[];
  waiting?: { name: string; url: string };
  message?: string;
}

function numberField(name: string, label: string): string {
  return `<label>${escapeHtml(label)} <input name="${name}" type="number" min="0" max="1000000000" inputmode="numeric"></label>`;
}

function stepForm(step: Step, l: Labels, language: Language): string {
  const extra =
    step === 'load'
      ? `<label>${escapeHtml(l.fields.name)} <input name="name" maxlength="200"></label>` +
        numberField('stitches', l.fields.stitches) +
        numberField('colors', l.fields.colors)
      : step === 'progress'
        ? numberField('stitch', l.fields.stitch)
        : '';
  return (
    `<form method="post" action="/step?lang=${language}" class="step step-${step}">` +
    `<input type="hidden" name="step" value="${step}">${extra}` +
    `<label>${escapeHtml(l.pin)} <input name="pin" type="password" inputmode="numeric" autocomplete="off" required></label>` +
    `<button type="submit">${escapeHtml(l.steps[step])}</button></form>`
  );
}

export function renderPage(input: PageInput): string {
  const { language, snapshot, operator, steps } = input;
  const l = LABELS[language];
  const state = l.states[snapshot.state] ?? snapshot.state;
  const design = operator.design;
  const rows = [
    `<p><strong>${escapeHtml(l.state)} :</strong> <span id="state">${escapeHtml(state)}</span></p>`,
    design ? `<p><strong>${escapeHtml(l.design)} :</strong> ${escapeHtml(design.name)}</p>` : '',
    design
      ? `<p><strong>${escapeHtml(l.colour)} :</strong> ${operator.colorBlock}${design.colors ? ` / ${design.colors}` : ''}</p>`
      : '',
    design?.stitches
      ? `<p><strong>${escapeHtml(l.stitches)} :</strong> ${operator.stitch ?? 0} / ${design.stitches}</p>`
      : '',
    input.waiting
      ? `<p class="waiting"><strong>${escapeHtml(l.waiting)} :</strong> ${escapeHtml(input.waiting.name)} ` +
        `(<a href="${escapeHtml(input.waiting.url)}" rel="noreferrer">${escapeHtml(l.download)}</a>)</p>`
      : '',
    ...snapshot.interventions.map((i) => `<p class="intervention">⚠ ${escapeHtml(i.message)}</p>`),
    input.message ? `<p class="message" role="alert">${escapeHtml(input.message)}</p>` : '',
  ];
  const other = language === 'fr' ? 'en' : 'fr';
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(l.title)} — ${escapeHtml(input.machineId)}</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}form{border:1px solid #ccc;padding:.5rem;margin:.5rem 0}
label{display:block;margin:.25rem 0}button{font-size:1.2rem;padding:.5rem 1rem}.intervention,.message{font-weight:bold}</style></head>
<body><h1>${escapeHtml(l.title)} — ${escapeHtml(input.machineId)}</h1>
${rows.filter(Boolean).join('\n')}
${steps.map((s) => stepForm(s, l, language)).join('\n')}
<p><a href="/?lang=${language}">${escapeHtml(l.refresh)}</a> · <a href="/?lang=${other}">${other.toUpperCase()}</a></p>
</body></html>`;
}
