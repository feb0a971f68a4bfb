// The shared project compiles without Node or DOM types, so it cannot reach for Buffer, atob or
// window. It may use the few globals that every runtime we target (Node 20+, Chromium, Electron)
// provides; they are declared here, minimally, for the shared project alone.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
