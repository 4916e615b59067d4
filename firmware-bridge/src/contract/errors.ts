export type ContractErrorCode = 'INVALID_PREFIX' | 'INVALID_ID' | 'INVALID_MESSAGE' | 'TOO_LARGE';

/**
 * Thrown by the builders and encoders when *our own* code asks for something the contract
 * forbids (a bad id, a message that would fail validation on the other side). It is a
 * programming error, so it throws; input from the wire goes through `decodeMessage`, which never
 * throws.
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';

  constructor(
    readonly code: ContractErrorCode,
    message: string,
  ) {
    super(message);
  }
}
