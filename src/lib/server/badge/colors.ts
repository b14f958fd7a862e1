// Badge colours and the colour values a visitor may pass in
// ?color= / ?labelColor=. Only hex and named colours are accepted: badge-maker
// would also take rgb()/hsl() strings, but the issue asks for exactly these,
// and a short, checkable grammar keeps odd strings out of the SVG.

/** Solid badge colours; each carries badge-maker's white text at ≥ 5:1. */
export const BADGE = {
	UP: '#047857',
	DEGRADED: '#b45309',
	DOWN: '#b91c1c',
	MAINTENANCE: '#1d4ed8',
	NODATA: '#52525b',
	SEVERE: '#991b1b',
	/** Latency is information, never a status colour. */
	INFO: '#0369a1',
	LABEL: '#555'
} as const;

/** The light-theme fill, for the 10 px dot. */
export const FILL = {
	UP: '#059669',
	DEGRADED: '#d97706',
	DOWN: '#dc2626',
	MAINTENANCE: '#2563eb',
	NODATA: '#d4d4d8'
} as const;

/** shields.io's own names and aliases (badge-maker resolves them). */
const SHIELDS_NAMES = new Set([
	'brightgreen',
	'green',
	'yellow',
	'yellowgreen',
	'orange',
	'red',
	'blue',
	'grey',
	'gray',
	'lightgrey',
	'lightgray',
	'critical',
	'important',
	'success',
	'informational',
	'inactive'
]);

/** CSS Color 4 named colours (badge-maker passes them through to SVG fill). */
const CSS_NAMES = new Set(
	(
		'aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blueviolet brown burlywood ' +
		'cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod ' +
		'darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon ' +
		'darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray ' +
		'dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod greenyellow ' +
		'honeydew hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue ' +
		'lightcoral lightcyan lightgoldenrodyellow lightgreen lightpink lightsalmon lightseagreen lightskyblue ' +
		'lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine ' +
		'mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise ' +
		'mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orangered ' +
		'orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue ' +
		'purple rebeccapurple rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue ' +
		'slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white ' +
		'whitesmoke'
	).split(' ')
);

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/**
 * A colour from the query string, normalised for badge-maker and the shields
 * JSON: hex (with or without '#', 3 or 6 digits) becomes '#rrggbb'-style lower
 * case; names are lower-cased. Anything else: null.
 */
export function parseColor(raw: string): string | null {
	const s = raw.trim().toLowerCase();
	const hex = HEX.exec(s);
	if (hex) return `#${hex[1]}`;
	if (SHIELDS_NAMES.has(s) || CSS_NAMES.has(s)) return s;
	return null;
}

/** Uptime colour thresholds on the percent shown (already rounded down). */
export function uptimeColor(percent: number | null): string {
	if (percent === null) return BADGE.NODATA;
	if (percent >= 99.9) return BADGE.UP;
	if (percent >= 99) return BADGE.DEGRADED;
	if (percent >= 95) return BADGE.DOWN;
	return BADGE.SEVERE;
}
