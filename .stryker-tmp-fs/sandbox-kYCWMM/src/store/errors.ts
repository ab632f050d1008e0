// @ts-nocheck
// The one error the store port defines: a constraint the store refused.
import type { ConstraintViolation } from './port.js';

export class StoreConstraintError extends Error {
  constructor(
    readonly violation: ConstraintViolation,
    message: string,
  ) {
    super(message);
    this.name = 'StoreConstraintError';
  }
}
