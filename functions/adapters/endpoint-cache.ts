// Bundle-only replacement for `@aws-sdk/endpoint-cache` (aliased in bundle-options.ts): the same
// EndpointCache API on a Map instead of mnemonist's LRU (~7.5 KB with its helpers). The DynamoDB
// client builds one at construction for endpoint discovery, which no command of this SDK version
// attaches and which is off by default; the cache is never read. Local runs and tests use the real one.
interface Endpoint {
  Address: string;
  CachePeriodInMinutes: number;
}

export class EndpointCache {
  private readonly cache = new Map<string, { Address: string; Expires: number }[]>();
  constructor(private readonly capacity = 1000) {}

  getEndpoint(key: string): string | undefined {
    const endpoints = this.get(key);
    return endpoints && endpoints.length > 0 ? endpoints[Math.floor(Math.random() * endpoints.length)].Address : undefined;
  }

  get(key: string): { Address: string; Expires: number }[] | undefined {
    const now = Date.now();
    const live = this.cache.get(key)?.filter((e) => now < e.Expires);
    if (!live || live.length === 0) {
      this.cache.delete(key);
      return undefined;
    }
    return live;
  }

  set(key: string, endpoints: Endpoint[]): void {
    const now = Date.now();
    this.cache.delete(key);
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, endpoints.map(({ Address, CachePeriodInMinutes }) => ({ Address, Expires: now + CachePeriodInMinutes * 60_000 })));
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  clear(): void {
    this.cache.clear();
  }
}
