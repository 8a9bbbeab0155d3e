// What the link actions answer (usecases/actions.ts): a page described as data, with its status.
// http/action-pages.ts renders it; the use case never builds HTML.

export interface PageField {
  name: string;
  label: string;
  required: boolean;
  /** Value to show again after an error. */
  value?: string;
}

/** The confirmation page of a link action (GET shows it; a refused POST shows it again with `error`). */
export interface ConfirmView {
  actionLabel: string;
  issueId: string;
  category: string;
  description: string;
  enterprise: string;
  unitName: string;
  status: string;
  signBy?: string;
  resolveBy?: string;
  /** The unit's reported result (follow-up and verification pages). */
  result?: string;
  fields: PageField[];
  /** Shown above the form after a refused submission. */
  error?: string;
}

export type PageView = { kind: 'confirm'; confirm: ConfirmView } | { kind: 'message'; title: string; message: string };

export interface PageResponse {
  statusCode: number;
  view: PageView;
}

export const messageView = (title: string, message: string): PageView => ({ kind: 'message', title, message });
export const confirmView = (confirm: ConfirmView): PageView => ({ kind: 'confirm', confirm });
