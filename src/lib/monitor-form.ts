// The admin editor's form state, as typed (strings), shared by server and browser.
export interface HostForm {
	type: string;
	host: string;
	port: string;
	timeout: string;
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
}


export type FormErrors = Record<string, string>;

export interface EvalTemplate {
	id: string;
	name: string;
	description: string;
	source: string;
}

/** Run-now output (the same shape POST /api/v1/check returns). */
export interface RunOutput {
	ranAt: string;
	pings: {
		status: 'open' | 'timeout' | 'error';
		latency: number;
		host: string;
		port: number;
		type: 'tcp' | 'IP6';
		address?: string;
		dnsLatency?: number;
		error?: string;
	}[];
	result: { status: string; latency: number; error?: string; durationMs: number };
	timings: { probeMs: number; evalMs: number };
}
