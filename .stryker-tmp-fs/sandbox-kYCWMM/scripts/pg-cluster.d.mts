// @ts-nocheck
export function serverBin(): string | undefined;
export function startCluster(): Promise<{ url: string; dir: string; port: number; stop(): void }>;
