// The default eval function: what a monitor without its own function runs.
// Copied verbatim from spec/tcp-monitor.md, "Default Implementation" (the
// source text is the contract: do not reformat it). Run in the QuickJS sandbox
// like any admin function (see run.js).

/** Spec's default eval: UP when every host is "open", else DOWN; latency = mean. */
export const DEFAULT_EVAL = `;(async function (arrayOfPings) {
    let latencyTotal = arrayOfPings.reduce((acc, ping) => {
        return acc + ping.latency
    }, 0)

    let alive = arrayOfPings.reduce((acc, ping) => {
        return acc && ping.status === "open"
    }, true)

    return {
        status: alive ? "UP" : "DOWN",
        latency: latencyTotal / arrayOfPings.length
    }
})`;
