// The admin editor's form state, as typed (strings), shared by server and browser.
export interface HostForm {
	type: string;
	host: string;
	port: string;
	timeout: string;
	/**
	 * The host's optional probe fields (preset, send, expect, tls) as JSON, edited
	 * by the row's Check line and posted as hidden input host_check; absent when none.
	 */
	check?: string;
}

export interface MonitorForm {
	tag: string;
	name: string;
	description: string;
	cron: string;
	group: string;
	order: string;
	public: boolean;
	active: boolean;
	show_hosts: boolean;
	hosts: HostForm[];
	eval: string;
	/** Alerts (the spec's `confirm`), as typed. */
	confirm_down: string;
	confirm_up: string;
	confirm_degraded: boolean;
	/** Blank: no reminders. */
	remind_minutes: string;
	/** Names of the channels ticked. */
	channels: string[];
}

/** A channel as the editor offers it: never its config. */
export interface ChannelChoice {
	name: string;
	type: string;
	scope: 'monitors' | 'all' | 'group';
	scopeGroup: string | null;
}

export type FormErrors = Record<string, string>;

export interface EvalTemplate {
	id: string;
	name: string;
	description: string;
	source: string;
}
