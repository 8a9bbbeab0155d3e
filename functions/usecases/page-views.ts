// What the link actions answer (usecases/actions.ts): a page described as data, with its status.
// http/action-pages.ts renders it; the use case never builds HTML.
import type { ActionField, LinkDef } from '../../domain/issues/catalog.js';

/** The confirmation page of a link action (GET shows it; a refused POST shows it again with `error`). */
export interface ConfirmView {
  /** The catalog link (domain/issues/catalog.ts LINKS): label, form fields, colour. */
  link: Pick<LinkDef, 'label' | 'fields' | 'colour' | 'caution'>;
  issueId: string;
  category: string;
  description: string;
  enterprise: string;
  unitName: string;
  status: string;
  /** 逾期 / 升级督办 in words (domain/reports lateState), when the issue is late or escalated. */
  late?: string;
  signBy?: string;
  resolveBy?: string;
  /** The unit's reported result (follow-up and verification pages). */
  result?: string;
  /** Values to show again after a refused submission, by field name. */
  values?: Record<string, string>;
  /** Shown above the form after a refused submission. */
  error?: string;
}

/** The confirmation page of a decision link (批准/驳回, 同意/不同意): the matter, the answer's note field. */
export interface DecisionConfirmView {
  title: string;
  rows: { label: string; text: string }[];
  quote?: string;
  option: { label: string; colour: string; caution?: boolean; note: ActionField };
  /** Fields the answer needs before its note (分派单位 of a triage item). */
  fields?: readonly ActionField[];
  values?: Record<string, string>;
  error?: string;
}

export type PageView =
  | { kind: 'confirm'; confirm: ConfirmView }
  | { kind: 'decision'; decision: DecisionConfirmView }
  | { kind: 'message'; title: string; message: string };

export interface PageResponse {
  statusCode: number;
  view: PageView;
}

export const messageView = (title: string, message: string): PageView => ({ kind: 'message', title, message });
export const confirmView = (confirm: ConfirmView): PageView => ({ kind: 'confirm', confirm });
