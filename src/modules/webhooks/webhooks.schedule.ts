import fp from 'fastify-plugin';

/** How often every process looks for new events and due deliveries. */
const INTERVAL_MS = 5_000;

/**
 * While the server runs (WEBHOOK_DELIVERY), every few seconds: take the events committed since the last look and
 * send the deliveries that are due. Every worker process does it; a delivery is claimed by one of them only.
 * Closing the server stops the timer, cuts attempts under way short (logged, retried later) and waits for them.
 */
export default fp(
  async (app) => {
    if (!app.config.WEBHOOK_DELIVERY) return;
    const dispatcher = app.services.webhookDelivery;
    let running: Promise<void> | null = null;
    let closing = false;
    const run = () => {
      if (running || closing) return;
      running = dispatcher
        .tick(app.now())
        .then(
          () => undefined,
          (error: unknown) => app.log.error({ err: error }, 'webhook delivery failed'),
        )
        .finally(() => {
          running = null;
        });
    };
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(run, INTERVAL_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      closing = true;
      if (timer) clearInterval(timer);
      dispatcher.abort();
      await running;
    });
  },
  { name: 'webhooks-schedule', dependencies: ['db'] },
);
