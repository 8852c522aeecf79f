/** Injection token of the kernel's Clock port: the system clock in production, a fake one in scheduler tests. */
export const CLOCK = Symbol('CLOCK');
