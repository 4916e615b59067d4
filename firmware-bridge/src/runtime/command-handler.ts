// The checks every command passes before an adapter sees it, in CONTRACT.md's order: a duplicate is
// answered from the store (never re-run), then expiry, an already-started jobId, the expected
// state and the machine's capabilities. Bridge-level commands (resync, set_telemetry_rate) are
// answered here; everything else goes to the adapter. Every answer is stored before it is sent.
import {
  COMMANDS_REQUIRING_JOB_ID,
  TOKEN_PATTERN,
  type DecodeFailure,
  type Command,
  type CommandError,
  type CommandErrorCode,
  type CommandResult,
  type ResultStage,
} from '../contract/index.js';
import type { AdapterOutcome, MachineAdapter } from './adapter.js';
import type { CommandStore } from './command-store.js';

export interface CommandHandlerDeps {
  store: CommandStore;
  now: () => number;
  /** Republishes the machine's meta, availability and state. */
  resync: (machineId: string) => void;
  setTelemetryRate: (machineId: string, params: { intervalS: number; durationS?: number }) => void;
}

export interface HandledCommand {
  result: CommandResult;
  /** What happened, for the log: `duplicate`, `expired`, `rejected`, or the adapter's status. */
  outcome: string;
}

const BRIDGE_COMMANDS: readonly string[] = ['resync', 'set_telemetry_rate'];
const MAX_MESSAGE = 512;

function errorResult(commandId: string, stage: ResultStage, error: CommandError): CommandResult {
  return { commandId, status: 'error', stage, error: { ...error, message: error.message.slice(0, MAX_MESSAGE) } };
}

const refusal = (code: CommandErrorCode, message: string, retryable = false): CommandError => ({
  code,
  message,
  retryable,
});

export function resultOf(commandId: string, outcome: AdapterOutcome): CommandResult {
  switch (outcome.status) {
    case 'ok':
      return { commandId, status: 'ok', stage: 'completed' };
    case 'accepted':
      return { commandId, status: 'accepted', stage: 'accepted' };
    case 'error':
      return errorResult(commandId, 'rejected', outcome.error);
  }
}

export async function handleCommand(
  machineId: string,
  command: Command,
  adapter: MachineAdapter,
  deps: CommandHandlerDeps,
): Promise<HandledCommand> {
  const { store } = deps;
  const previous = store.get(machineId, command.commandId);
  if (previous) return { result: { ...previous.result, stage: 'duplicate' }, outcome: 'duplicate' };

  const decided = await decide(machineId, command, adapter, deps);
  const startsJob =
    (COMMANDS_REQUIRING_JOB_ID as readonly string[]).includes(command.command) && decided.result.status !== 'error';
  store.record({
    machineId,
    commandId: command.commandId,
    command: command.command,
    ...(startsJob && command.jobId !== undefined && { startedJobId: command.jobId }),
    result: decided.result,
  });
  return decided;
}

async function decide(
  machineId: string,
  command: Command,
  adapter: MachineAdapter,
  deps: CommandHandlerDeps,
): Promise<HandledCommand> {
  const { commandId } = command;
  const reject = (error: CommandError): HandledCommand => ({
    result: errorResult(commandId, 'rejected', error),
    outcome: `rejected ${error.code}`,
  });

  const expiresAt = Date.parse(command.expiresAt);
  if (!(expiresAt > deps.now())) {
    const error = refusal('EXPIRED', `command expired at ${command.expiresAt}`);
    return { result: errorResult(commandId, 'expired', error), outcome: 'expired' };
  }
  const needsJob = (COMMANDS_REQUIRING_JOB_ID as readonly string[]).includes(command.command);
  if (needsJob && command.jobId !== undefined && deps.store.hasStartedJob(machineId, command.jobId)) {
    return reject(refusal('DUPLICATE', `job ${command.jobId} was already started on ${machineId}`));
  }
  const state = adapter.snapshot().state;
  if (command.expectState && !command.expectState.includes(state)) {
    const expected = command.expectState.join(' or ');
    return reject(refusal('PRECONDITION_FAILED', `machine is ${state}, the command expected ${expected}`));
  }
  if (BRIDGE_COMMANDS.includes(command.command)) return runBridgeCommand(machineId, command, deps);
  if (!adapter.meta().capabilities.commands?.includes(command.command)) {
    return reject(refusal('UNSUPPORTED', `${command.command} is not supported by this machine`));
  }
  try {
    const outcome = await adapter.execute(command);
    return { result: resultOf(commandId, outcome), outcome: outcome.status };
  } catch (error) {
    // An adapter must answer refusals, not throw; a throw is a transport or programming failure.
    const message = error instanceof Error ? error.message : String(error);
    return reject(refusal('NATIVE_REJECTED', `adapter failed: ${message}`, true));
  }
}

function runBridgeCommand(machineId: string, command: Command, deps: CommandHandlerDeps): HandledCommand {
  if (command.command === 'set_telemetry_rate') deps.setTelemetryRate(machineId, command.params);
  else deps.resync(machineId);
  return { result: { commandId: command.commandId, status: 'ok', stage: 'completed' }, outcome: 'ok' };
}

/**
 * The answer to a command that failed validation, when it carries a usable commandId (else
 * null: there is nobody to answer). The contract has no "invalid command" code, so UNSUPPORTED,
 * with the validator's reason in the message.
 */
export function invalidCommandResult(payload: Uint8Array, failure: DecodeFailure): CommandResult | null {
  if (failure.code !== 'SCHEMA' && failure.code !== 'MISMATCH') return null;
  let commandId: unknown;
  try {
    const value = JSON.parse(new TextDecoder().decode(payload)) as { data?: { commandId?: unknown } } | null;
    commandId = value?.data?.commandId;
  } catch {
    return null;
  }
  if (typeof commandId !== 'string' || !TOKEN_PATTERN.test(commandId)) return null;
  const error = refusal('UNSUPPORTED', `invalid command: ${failure.reason}`);
  return errorResult(commandId, 'rejected', error);
}
