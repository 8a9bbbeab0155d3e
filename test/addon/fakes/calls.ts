// Call counting for the fake Apps Script services: every method call made through a counted object
// is recorded per `Class.method`, per service and, for Sheets objects, per sheet name.

export class CallLog {
  total = 0;
  readonly byMethod = new Map<string, number>();
  readonly byService = new Map<string, number>();
  readonly bySheet = new Map<string, number>();
  /** `sheet|Class.method` → calls. */
  readonly bySheetMethod = new Map<string, number>();

  hit(service: string, method: string, sheet?: string): void {
    this.total++;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
    this.byService.set(service, (this.byService.get(service) ?? 0) + 1);
    if (sheet !== undefined) {
      this.bySheet.set(sheet, (this.bySheet.get(sheet) ?? 0) + 1);
      this.bySheetMethod.set(`${sheet}|${method}`, (this.bySheetMethod.get(`${sheet}|${method}`) ?? 0) + 1);
    }
  }

  reset(): void {
    this.total = 0;
    this.byMethod.clear();
    this.byService.clear();
    this.bySheet.clear();
    this.bySheetMethod.clear();
  }

  service(name: string): number {
    return this.byService.get(name) ?? 0;
  }

  method(name: string): number {
    return this.byMethod.get(name) ?? 0;
  }

  sheet(name: string): number {
    return this.bySheet.get(name) ?? 0;
  }

  /** Calls of one method on one sheet (`Range.setValues` on 停产停工). */
  sheetMethod(sheet: string, method: string): number {
    return this.bySheetMethod.get(`${sheet}|${method}`) ?? 0;
  }

  /** Calls of the given methods (`Range.setValue`, …) summed. */
  sum(...methods: string[]): number {
    return methods.reduce((n, m) => n + this.method(m), 0);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.byMethod].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/**
 * Wrap a fake so each call of one of its methods is counted as `cls.method` under `service`
 * (and the sheet `sheetOf()` names). Non-function properties (enums) pass through uncounted.
 */
export function counted<T extends object>(target: T, log: CallLog, service: string, cls: string, sheetOf?: (method: string, args: unknown[]) => string | undefined): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string' || prop === 'constructor' || prop.startsWith('_')) return v;
      return (...args: unknown[]) => {
        log.hit(service, `${cls}.${prop}`, sheetOf?.(prop, args));
        return v.apply(t, args);
      };
    },
  });
}

/**
 * The methods of an Apps Script interface a fake implements: names and parameter types are checked
 * against @types/google-apps-script; fakes return their own (counted) objects.
 */
export type Faked<T, K extends keyof T> = {
  [P in K]: T[P] extends (...args: infer A) => unknown ? (...args: A) => unknown : never;
};
