import { connectAsync } from 'mqtt';

/**
 * Ends a stopped service's persistent session on a shared broker (MQTT_URL), so finished suites
 * leave no session queueing messages behind them. Best effort: a broker a test has killed has no
 * session left to end.
 */
export async function discardServiceSession(brokerUrl: string, clientId: string): Promise<void> {
  try {
    const client = await connectAsync(brokerUrl, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 2_000 });
    await client.endAsync();
  } catch {
    // Nothing to end.
  }
}
