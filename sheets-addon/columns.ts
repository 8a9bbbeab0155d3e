/// <reference types="google-apps-script" />
// The sheet layout the add-on adds to the kinds of domain/rows/kinds.ts: the hidden sync columns, the
// mark colour and note prefix it owns. Header notes and dropdowns come from domain/header-notes.ts,
// the one source shared with the `sibao template` workbooks.

import { dropdowns, headerNote as domainHeaderNote } from '../domain/rows/header-notes.js';
import { ID_COLUMN } from '../domain/rows/identity.js';
import { KINDS, type RowKind } from '../domain/rows/kinds.js';

/** Hidden column: the server's version of the row (sent back on the next sync, conflicts are reported). */
export const VERSION_HEADER = '_版本';
/** Hidden column: the row's sync state. */
export const SYNC_HEADER = '_同步';
/**
 * Hidden column: the server's id of the row (the `id` of its first sync), sent with the row so that
 * an edit of the cells that would give it another identity (a routing rule's) is an update of the
 * same row (domain/rows/identity.ts, step 2).
 */
export const ID_HEADER = ID_COLUMN;
export const SYNC_COLUMNS = [VERSION_HEADER, SYNC_HEADER, ID_HEADER] as const;

/** `_同步` states. An empty cell on a non-empty row means "never synced" and is sent like DIRTY. */
export const SYNC_STATE = {
  dirty: '待同步',
  synced: '已同步',
  rejected: '未通过',
  conflict: '冲突',
} as const;

/** Background of a cell with a validation error (light red). */
export const ERROR_FILL = '#f4c7c3';
/** Notes the add-on writes start with this; any other note belongs to the user and is kept. */
export const NOTE_PREFIX = '【四保校验】';

/** The kind a tab holds, by its exact tab name. */
export function kindOfTab(name: string): RowKind | undefined {
  for (const k of Object.keys(KINDS) as RowKind[]) if (KINDS[k].tab === name) return k;
  return undefined;
}

/** The note on a header cell: the add-on's own sync columns, else the shared note of domain/header-notes.ts. */
export function headerNote(kind: RowKind, header: string): string {
  if (header === VERSION_HEADER) return '系统列（隐藏）：服务器记录的版本，请勿修改。';
  if (header === ID_HEADER) return '系统列（隐藏）：服务器给本行的标识，修改本行内容后仍是同一行；请勿修改，也不要复制到新行。';
  if (header === SYNC_HEADER) return `系统列（隐藏）：同步状态（${Object.values(SYNC_STATE).join(' / ')}），请勿修改。`;
  return domainHeaderNote(kind, header);
}

/** Enum columns of a kind that get a dropdown: header → allowed values (domain/header-notes.ts). */
export { dropdowns };
