// The one interface every channel type implements (webhook, Slack, Discord,
// email): the sender hands it a message or a storm digest and gets back what
// happened, which it logs in alert_deliveries and settles in alert_outbox.
import type { MessageIn } from './messages';

/** What goes out in one request (or one mail). */
export interface Outgoing {
	/** The idempotency key: the row's own, or the digest's batch key. */
	key: string;
	/** One message, or a digest's messages, oldest first. */
	messages: MessageIn[];
	/** A storm digest (several monitors in one message), even if only one row is left of it. */
	digest: boolean;
}

/** One attempt's result. `statusCode`: the HTTP status, or the SMTP reply code for email. */
export interface Delivery {
	statusCode: number | null;
	/** Why it was not delivered, in words (null when delivered, or for a plain non-2xx webhook answer). */
	error: string | null;
	delivered: boolean;
}

export interface DeliverOptions {
	/** The whole attempt's time limit: connect to last byte (or to the SMTP server's final reply). */
	timeoutMs: number;
}

/** A channel type: `render` is pure (what would be sent), `deliver` sends it. */
export interface ChannelSender<C, R> {
	render(out: Outgoing, config: C): R;
	deliver(config: C, out: Outgoing, opts: DeliverOptions): Promise<Delivery>;
}
