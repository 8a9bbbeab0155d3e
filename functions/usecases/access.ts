// Who may do what through the API and its pages: the members of the 工作专班 (the profile's 成员 tab)
// by class and role, county IT's bootstrap admins while no member is configured, the command office
// (综合协调专班 members with role 审批), and the holders of signed view links. The profile is cached
// per container and re-read whenever its version item says it changed (checked on every request).
//
// A refusal is an AccessDenied (unauthenticated: no acceptable identity; forbidden: known but not
// allowed) with a stable code and a Chinese message; http/ maps it to 401/403. Page viewers get a
// ViewDecision instead, which the page routes render.
import { CLASS_KINDS, CONFIG_KINDS, KINDS, WORK_CLASSES, type RowKind, type WorkClassId } from '../../domain/rows/kinds.js';
import type { Profile } from '../../domain/rows/types.js';
import type { IdentityVerifier, ProfileRecord, Store } from '../ports.js';
import { verifyDigestView } from './digest-view.js';

/** Role of the coordination class that may act for the command office (改派, 延期, 核实销号, 回访, 销号). */
export const COMMAND_ROLE = '审批';

export class AccessDenied extends Error {
  constructor(
    readonly reason: 'unauthenticated' | 'forbidden',
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AccessDenied';
  }
}

export interface ProfileCache {
  record(): Promise<ProfileRecord | null>;
  profile(): Promise<Profile | null>;
  /** A profile just written (by a sync of the configuration tabs): serve it from now on. */
  set(rec: ProfileRecord): void;
}

/**
 * The stored profile as every request must see it (SPEC §7.8): each read checks the small version
 * item consistently and re-reads the profile only when the version changed, so a configuration
 * change (a removed member, role, rule or unit) takes effect on the next request in every container.
 */
export function createProfileCache(store: Pick<Store, 'getProfile' | 'getProfileVersion'>): ProfileCache {
  let cached: { rec: ProfileRecord | null; version: string | null } | null = null;
  const record = async () => {
    const version = await store.getProfileVersion();
    if (cached && cached.version === version) return cached.rec;
    const rec = await store.getProfile();
    cached = { rec, version: rec?.version ?? version };
    return rec;
  };
  return {
    record,
    profile: async () => (await record())?.profile ?? null,
    set(rec) {
      cached = { rec, version: rec.version ?? null };
    },
  };
}

const className = (id: string) => WORK_CLASSES.find((c) => c.id === id)?.name ?? id;

/** Classes whose members may open the command office's dashboard. */
const DASHBOARD_CLASSES: readonly string[] = ['coordination', 'supervision'];

/** What a page viewer (signed link or bearer) may see; the route renders the refusals. */
export type ViewDecision =
  /** `email`: the viewer, when a bearer or a link naming its viewer (`as`) says who it is. */
  | { ok: true; email?: string }
  | { ok: false; reason: 'link_expired' | 'link_invalid' | 'login_required' | 'identity_invalid' }
  | { ok: false; reason: 'not_allowed'; email: string };

export interface AccessDeps {
  identity: IdentityVerifier;
  profiles: ProfileCache;
  /** Emails that may sync coordination configuration tabs (and read) while no member is configured. */
  bootstrapAdmins?: readonly string[];
  /** Keys of the signed view links (digest pages, dashboard). */
  actionSecrets: readonly string[];
}

export interface ViewRequest {
  /** `?sig=` of the page link, if any. */
  sig?: string;
  bearer: string | null;
  now: number;
  /** The viewer a signed link names (the link signs it with the subject). */
  as?: string;
}

export function createAccess(deps: AccessDeps) {
  const admins = (deps.bootstrapAdmins ?? []).map((e) => e.trim().toLowerCase());
  const members = async () => (await deps.profiles.profile())?.members ?? [];
  const isAdminBeforeMembers = (list: readonly unknown[], email: string) => list.length === 0 && admins.includes(email);

  /**
   * A signed link for `subject` opens the page; else a bearer whose email `allowed` accepts. A bad
   * link with no bearer is reported as such; a bad link with a bearer falls back to the bearer.
   */
  async function view(req: ViewRequest, subject: string, allowed: (email: string) => Promise<boolean>): Promise<ViewDecision> {
    if (req.sig) {
      const v = verifyDigestView(subject, req.sig, deps.actionSecrets, req.now);
      if (v.ok) return req.as ? { ok: true, email: req.as } : { ok: true };
      if (!req.bearer) return { ok: false, reason: v.reason === 'expired' ? 'link_expired' : 'link_invalid' };
    }
    if (!req.bearer) return { ok: false, reason: 'login_required' };
    const who = await deps.identity.verify(req.bearer);
    if (!who) return { ok: false, reason: 'identity_invalid' };
    return (await allowed(who.email)) ? { ok: true, email: who.email } : { ok: false, reason: 'not_allowed', email: who.email };
  }

  return {
    /** The verified email of the bearer token. */
    async authenticate(bearer: string | null): Promise<string> {
      const who = bearer ? await deps.identity.verify(bearer) : null;
      if (!who) throw new AccessDenied('unauthenticated', 'unauthorized', '未登录或登录已失效：请求缺少有效的身份令牌（Authorization: Bearer …），请在表格插件中重新授权后再试');
      return who.email;
    },

    /** A member of any class (or a bootstrap admin before members exist) may read. */
    async authoriseRead(email: string): Promise<void> {
      const list = await members();
      if (list.some((m) => m.email === email)) return;
      if (isAdminBeforeMembers(list, email)) return;
      throw new AccessDenied('forbidden', 'not_member', `${email} 不是任何工作专班的成员，无权查看；请联系综合协调专班在「成员」表中登记`);
    },

    /**
     * Who may read the rows (and history) of a kind: a member of a class that keeps the kind, or of
     * coordination or supervision (they oversee every tab); a bootstrap admin before members exist.
     */
    async authoriseReadKind(email: string, kind: RowKind): Promise<void> {
      const list = await members();
      if (isAdminBeforeMembers(list, email)) return;
      const mine = list.filter((m) => m.email === email);
      if (mine.length === 0) throw new AccessDenied('forbidden', 'not_member', `${email} 不是任何工作专班的成员，无权查看；请联系综合协调专班在「成员」表中登记`);
      if (mine.some((m) => DASHBOARD_CLASSES.includes(m.workClass) || CLASS_KINDS[m.workClass].includes(kind))) return;
      throw new AccessDenied('forbidden', 'kind_not_allowed', `${email} 所在专班不负责「${KINDS[kind].tab}」表，无权查看其记录`);
    },

    /** A non-read-only member of the class, for a tab the class keeps (bootstrap admins: the coordination configuration tabs). */
    async authoriseWrite(email: string, workClass: WorkClassId, kind: RowKind): Promise<void> {
      const list = await members();
      if (isAdminBeforeMembers(list, email) && workClass === 'coordination' && CONFIG_KINDS.includes(kind)) return;
      const m = list.find((x) => x.email === email && x.workClass === workClass);
      if (!m) throw new AccessDenied('forbidden', 'not_member', `${email} 不是「${className(workClass)}」专班的成员，不能同步该专班的表格`);
      if (m.role === '只读') throw new AccessDenied('forbidden', 'read_only', `${email} 在「${className(workClass)}」专班的角色为只读，不能修改表格`);
      if (!CLASS_KINDS[workClass].includes(kind)) {
        throw new AccessDenied('forbidden', 'kind_not_allowed', `「${className(workClass)}」专班不负责「${KINDS[kind].tab}」表，不能同步该表`);
      }
    },

    /** Whether `email` is a coordination member with role 审批 (read consistently on each request). */
    async isCommand(email: string): Promise<boolean> {
      const e = email.trim().toLowerCase();
      return (await members()).some((m) => m.email === e && m.workClass === 'coordination' && m.role === COMMAND_ROLE);
    },

    /** Command-office decisions: a coordination member with role 审批. */
    async authoriseCommand(email: string): Promise<void> {
      if ((await members()).some((m) => m.email === email && m.workClass === 'coordination' && m.role === COMMAND_ROLE)) return;
      throw new AccessDenied(
        'forbidden',
        'not_command',
        `${email} 不是综合协调专班（指挥部办公室）角色为「${COMMAND_ROLE}」的成员，不能改派、延期或核实销号；请联系综合协调专班在「成员」表中登记`,
      );
    },

    /** The dashboard: its signed link, or a member of the coordination or supervision class. */
    viewDashboard(req: ViewRequest, subject: string): Promise<ViewDecision> {
      return view(req, subject, async (email) => {
        const list = await members();
        return list.some((m) => m.email === email && DASHBOARD_CLASSES.includes(m.workClass)) || isAdminBeforeMembers(list, email);
      });
    },

    /** A week's digest page: its signed link, a member of any class, or a recipient of that week's digest (`isRecipient`). */
    viewDigest(req: ViewRequest, week: string, isRecipient: (email: string) => Promise<boolean>): Promise<ViewDecision> {
      return view(req, week, async (email) => {
        const list = await members();
        return list.some((x) => x.email === email) || isAdminBeforeMembers(list, email) || (await isRecipient(email));
      });
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
