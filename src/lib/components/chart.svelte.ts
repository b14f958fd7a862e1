// Chart.js as a Svelte attachment ({@attach chart(() => config)} on a
// canvas): the chart is created when the canvas is attached, updated without
// animation whenever the configuration it reads changes (data, or the theme:
// the getter is called again so it can re-read the colour tokens), and
// destroyed when the canvas goes away. Chart.js is imported on first use, with
// only the parts a line chart needs registered, so pages without a
// chart never load it.
import type { Chart, ChartConfiguration } from 'chart.js';
import type { Attachment } from 'svelte/attachments';

let loading: Promise<typeof Chart> | null = null;

function loadChart(): Promise<typeof Chart> {
	return (loading ??= import('chart.js').then(
		({ Chart, LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Legend }) => {
			Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Legend); // Legend: location lines
			return Chart;
		}
	));
}

/** `config` returns null while there is nothing to draw (no chart is made until there is). */
export function chart(config: () => ChartConfiguration<'line'> | null): Attachment<HTMLCanvasElement> {
	return (canvas) => {
		let instance: Chart<'line'> | null = null;
		let latest: ChartConfiguration<'line'> | null = null;
		let detached = false;

		const apply = (cfg: ChartConfiguration<'line'>) => {
			latest = cfg;
			if (instance) {
				instance.data = cfg.data;
				instance.options = cfg.options!;
				instance.update('none');
				return;
			}
			loadChart().then((Ctor) => {
				if (detached || instance || !latest) return;
				instance = new Ctor(canvas, latest);
			});
		};

		// Data changes: whatever config() reads.
		$effect(() => {
			const cfg = config();
			if (cfg) apply(cfg);
		});

		// Theme changes: the tokens config() reads from CSS are not reactive, so ask again.
		const retheme = () => {
			const cfg = config();
			if (cfg && instance) apply(cfg);
		};
		const mq = matchMedia('(prefers-color-scheme: dark)');
		window.addEventListener('porthole:theme', retheme);
		mq.addEventListener('change', retheme);

		return () => {
			detached = true;
			window.removeEventListener('porthole:theme', retheme);
			mq.removeEventListener('change', retheme);
			instance?.destroy();
			instance = null;
		};
	};
}
