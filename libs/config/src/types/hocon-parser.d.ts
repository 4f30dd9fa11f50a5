declare module '@pushcorn/hocon-parser' {
  export function parse(options: { text: string; env?: boolean; strict?: boolean }): Promise<unknown>;
  export const Context: { registerComponent(...classes: unknown[]): void };
}
declare module '@pushcorn/hocon-parser/lib/core/SourceAdapter' {
  export class SourceAdapter {
    onLoad(): Promise<unknown>;
  }
}
