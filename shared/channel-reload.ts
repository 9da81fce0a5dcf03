// SIGHUP reloads CHANNELS_FILE (docs/configuration.md, "Reloading channels"); this says how it went, in one line
// that names bindings by their keys and never quotes a token.
import type { Logger } from 'pino';
import type { ChannelRegistry, ChannelsReload } from './channel-registry.js';

/** Reloads `registry` on each `signal`, and logs the outcome; returns the function that removes the handler. */
export function reloadChannelsOnSignal(registry: ChannelRegistry, logger: Logger, signal: NodeJS.Signals = 'SIGHUP'): () => void {
  const onSignal = (): void => {
    try {
      logReload(logger, registry.reload());
    } catch (error) {
      // A fault of the bridge's own, not of the file: the bindings in force stay, and the process goes on serving.
      logger.error({ err: error }, 'channels reload failed: the channels in force are kept');
    }
  };
  process.on(signal, onSignal);
  return () => void process.off(signal, onSignal);
}

export function logReload(logger: Logger, result: ChannelsReload): void {
  switch (result.status) {
    case 'reloaded': {
      const { change } = result;
      logger.info(
        {
          added: change.added.length,
          removed: change.removed.length,
          tokensRotated: change.tokensRotated.length,
          updated: change.updated.length,
          bindings: change.bindings,
          // Keys are client and channel ids: what an operator checks the reload against.
          addedBindings: change.added,
          removedBindings: change.removed,
          rotatedBindings: change.tokensRotated,
        },
        'channels reloaded',
      );
      for (const error of result.listenerErrors) logger.error({ err: error }, 'channels reloaded, but applying them failed here: send SIGHUP again');
      return;
    }
    case 'refused':
      // ConfigError's message lists one issue a line, by path and never by value.
      logger.error({ errors: result.error.split('\n').map((line) => line.trim().replace(/^- /, '')).filter((line) => line !== '') }, 'channels reload refused');
      return;
    case 'nothing-to-reload':
      logger.warn('channels not reloaded: there is no CHANNELS_FILE (single-channel mode reads its settings from the environment at start only)');
  }
}
