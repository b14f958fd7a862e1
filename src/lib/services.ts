// The TCP spec's reference tables (tcp-monitor.md: "Common Use Cases",
// "Timeout Configuration", "Troubleshooting"), as data the editor offers.
// Client-safe. services.test.ts reads the spec and checks every entry here
// against its tables, so the two cannot drift apart.

export type ServiceGroup = 'Databases' | 'Message queues' | 'Other services';

/** One row of the spec's service tables: a service and its default ports. */
export interface Service {
	name: string;
	group: ServiceGroup;
	/** In the spec's order; each port has its own label in the picker. */
	ports: readonly { port: number; label: string }[];
	/** The spec's "Notes" column. */
	notes: string;
}

const one = (name: string, port: number) => [{ port, label: `${name} ${port}` }];

export const SERVICES: readonly Service[] = [
	{ name: 'PostgreSQL', group: 'Databases', ports: one('PostgreSQL', 5432), notes: 'May have multiple replicas' },
	{ name: 'MySQL', group: 'Databases', ports: one('MySQL', 3306), notes: 'Check primary and replicas' },
	{ name: 'MongoDB', group: 'Databases', ports: one('MongoDB', 27017), notes: 'Replica set members' },
	{ name: 'Redis', group: 'Databases', ports: one('Redis', 6379), notes: 'Cluster or sentinel nodes' },
	{ name: 'Cassandra', group: 'Databases', ports: one('Cassandra', 9042), notes: 'Multiple nodes in ring' },
	{ name: 'RabbitMQ', group: 'Message queues', ports: one('RabbitMQ', 5672), notes: 'AMQP port (15672 for HTTP)' },
	{ name: 'Kafka', group: 'Message queues', ports: one('Kafka', 9092), notes: 'Broker port' },
	{ name: 'ActiveMQ', group: 'Message queues', ports: one('ActiveMQ', 61616), notes: 'OpenWire protocol' },
	{ name: 'NATS', group: 'Message queues', ports: one('NATS', 4222), notes: 'Client port' },
	{ name: 'SSH', group: 'Other services', ports: one('SSH', 22), notes: 'Remote access' },
	{
		name: 'SMTP',
		group: 'Other services',
		// The spec lists the three ports without saying which is which; these are their IANA roles.
		ports: [
			{ port: 25, label: 'SMTP 25' },
			{ port: 587, label: 'SMTP submission 587' },
			{ port: 465, label: 'SMTPS 465' }
		],
		notes: 'Email sending'
	},
	{
		name: 'IMAP',
		group: 'Other services',
		ports: [
			{ port: 143, label: 'IMAP 143' },
			{ port: 993, label: 'IMAPS 993' }
		],
		notes: 'Email receiving'
	},
	{ name: 'FTP', group: 'Other services', ports: one('FTP', 21), notes: 'File transfer' },
	{ name: 'DNS', group: 'Other services', ports: one('DNS', 53), notes: 'Name resolution' },
	{
		name: 'LDAP',
		group: 'Other services',
		ports: [
			{ port: 389, label: 'LDAP 389' },
			{ port: 636, label: 'LDAPS 636' }
		],
		notes: 'Directory services'
	},
	{
		name: 'Elasticsearch',
		group: 'Other services',
		// "HTTP and transport", in that order.
		ports: [
			{ port: 9200, label: 'Elasticsearch HTTP 9200' },
			{ port: 9300, label: 'Elasticsearch transport 9300' }
		],
		notes: 'HTTP and transport'
	},
	{ name: 'Memcached', group: 'Other services', ports: one('Memcached', 11211), notes: 'Caching' }
];

export const SERVICE_GROUPS: readonly ServiceGroup[] = ['Databases', 'Message queues', 'Other services'];

/** Every picker entry, one per (service, port); no port belongs to two services. */
export const SERVICE_PORTS: readonly { port: number; label: string; service: string; group: ServiceGroup }[] = SERVICES.flatMap((s) =>
	s.ports.map((p) => ({ ...p, service: s.name, group: s.group }))
);

const BY_PORT = new Map(SERVICE_PORTS.map((p) => [p.port, p]));

/** The known service on a port as typed ("6379" → Redis 6379), or undefined. */
export function serviceForPort(port: string | number): (typeof SERVICE_PORTS)[number] | undefined {
	const s = String(port).trim();
	if (!/^\d{1,5}$/.test(s)) return undefined;
	return BY_PORT.get(Number(s));
}

export type TimeoutTier = 'local' | 'datacenter' | 'region' | 'global';

/** The spec's timeout guidance, in ms, both ends inclusive. */
export const TIMEOUT_GUIDANCE: readonly { tier: TimeoutTier; label: string; min: number; max: number }[] = [
	{ tier: 'local', label: 'Local services', min: 500, max: 1000 },
	{ tier: 'datacenter', label: 'Same datacenter', min: 1000, max: 2000 },
	{ tier: 'region', label: 'Cross-region', min: 2000, max: 5000 },
	{ tier: 'global', label: 'Global services', min: 5000, max: 10000 }
];

export type PingIssue = 'always-timeout' | 'always-error' | 'intermittent-timeouts' | 'ipv6' | 'high-latency';

/** The spec's "Common Issues" table, word for word. */
export const TROUBLESHOOTING: readonly { id: PingIssue; issue: string; cause: string; solution: string }[] = [
	{
		id: 'always-timeout',
		issue: 'Always timeout',
		cause: 'Firewall blocking connection',
		solution: 'Check firewall rules, security groups'
	},
	{
		id: 'always-error',
		issue: 'Always error',
		cause: 'Service not running or wrong port',
		solution: 'Verify service status and port number'
	},
	{
		id: 'intermittent-timeouts',
		issue: 'Intermittent timeouts',
		cause: 'Network congestion or service overload',
		solution: 'Increase timeout or investigate service performance'
	},
	{ id: 'ipv6', issue: 'IPv6 not working', cause: "Network doesn't support IPv6", solution: 'Use `"tcp"` type for IPv4' },
	{
		id: 'high-latency',
		issue: 'High latency',
		cause: 'Geographic distance or network issues',
		solution: 'Use closer monitoring location or adjust thresholds'
	}
];
