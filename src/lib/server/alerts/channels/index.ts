// The channel types by name: the sender looks up a row's type here.
import type { ChannelConfig, ChannelType } from '../../alert-types';
import { discord } from './discord';
import { email } from './email';
import { slack } from './slack';
import type { ChannelSender, DeliverOptions, Delivery, Outgoing } from './types';
import { webhook } from './webhook';

const SENDERS: { [T in ChannelType]: ChannelSender<Extract<ChannelConfig, { type: T }>['config'], unknown> } = {
	webhook,
	slack,
	discord,
	email
};

/** Sends one message or digest on a channel of `type`; an unknown type is an error, not a throw. */
export function deliver(type: string, config: ChannelConfig['config'], out: Outgoing, opts: DeliverOptions): Promise<Delivery> {
	const s = SENDERS[type as ChannelType] as ChannelSender<ChannelConfig['config'], unknown> | undefined;
	if (!s) return Promise.resolve({ statusCode: null, error: `unknown channel type ${type}`, delivered: false });
	return s.deliver(config, out, opts);
}

export type { Delivery, Outgoing } from './types';
