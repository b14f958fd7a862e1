// The admin's channel form: its values as typed (strings, kept on a refusal)
// and the words for each channel type. Client-safe: the form component and
// the server's form reader (lib/server/admin/channels.ts) share it.

export type ChannelFormType = 'webhook' | 'slack' | 'discord' | 'email';

export interface ChannelFormValues {
	name: string;
	type: ChannelFormType;
	/** webhook, slack, discord */
	url: string;
	/** webhook; empty: made on create, kept on edit */
	secret: string;
	host: string;
	port: string;
	/** 'auto': TLS from the first byte on port 465, else STARTTLS when offered. */
	security: 'auto' | 'tls' | 'starttls';
	user: string;
	password: string;
	from: string;
	/** One address per line (commas too). */
	to: string;
	scope: 'monitors' | 'all' | 'group';
	group: string;
	stormThreshold: string;
}

export const CHANNEL_TYPE_WORDS: Record<ChannelFormType, string> = {
	webhook: 'Webhook',
	slack: 'Slack',
	discord: 'Discord',
	email: 'Email'
};

export const blankChannelForm = (): ChannelFormValues => ({
	name: '',
	type: 'webhook',
	url: '',
	secret: '',
	host: '',
	port: '587',
	security: 'auto',
	user: '',
	password: '',
	from: '',
	to: '',
	scope: 'monitors',
	group: '',
	stormThreshold: '5'
});
