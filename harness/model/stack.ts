/**
 * The two SDK stacks every cell, probe and diagnosis is about. harness/model/ is the bottom
 * layer: its files import nothing from the rest of the harness but each other (and the
 * DiagnosisCode type, whose file imports only this one).
 */
export type Stack = 'client' | 'worker';
export const STACKS: readonly Stack[] = ['client', 'worker'];
