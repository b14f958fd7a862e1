// Ready-made eval functions the admin editor offers as a menu (the default
// function is DEFAULT_EVAL in default.ts, not repeated here). Each `source`
// is copied verbatim from the contract, tcp-monitor.md ("Advanced Evaluation Examples",
// 7 to 12); the spec guarantees them, and run.test.ts checks their outcomes.

export interface EvalTemplate {
	/** stable identifier (URL/menu safe) */
	id: string;
	/** short label */
	name: string;
	/** one-line summary of the logic */
	description: string;
	/** the function, exactly as in the spec */
	source: string;
}

export const EVAL_TEMPLATES: readonly EvalTemplate[] = Object.freeze([
	Object.freeze({
		id: 'quorum',
		name: 'Quorum (majority must be up)',
		description: 'UP when every host is open, DEGRADED when a majority is open, DOWN otherwise; latency = mean of the open hosts.',
		source: `;(async function (arrayOfPings) {
    let openCount = 0
    let latencyTotal = 0

    for (let ping of arrayOfPings) {
        if (ping.status === "open") {
            openCount++
            latencyTotal += ping.latency
        }
    }

    const totalHosts = arrayOfPings.length
    const majority = Math.floor(totalHosts / 2) + 1
    const avgLatency = openCount > 0 ? latencyTotal / openCount : 0

    if (openCount === totalHosts) {
        return { status: "UP", latency: avgLatency }
    } else if (openCount >= majority) {
        return { status: "DEGRADED", latency: avgLatency }
    } else {
        return { status: "DOWN", latency: avgLatency }
    }
})`
	}),
	Object.freeze({
		id: 'latency-threshold',
		name: 'Latency threshold',
		description:
			'DOWN if any host is not open; DEGRADED if any open host took more than 100 ms; latency = total of open hosts / number of hosts.',
		source: `;(async function (arrayOfPings) {
    const LATENCY_THRESHOLD = 100 // milliseconds

    let allOpen = true
    let latencyTotal = 0
    let hasHighLatency = false

    for (let ping of arrayOfPings) {
        if (ping.status !== "open") {
            allOpen = false
        } else {
            latencyTotal += ping.latency
            if (ping.latency > LATENCY_THRESHOLD) {
                hasHighLatency = true
            }
        }
    }

    const avgLatency = latencyTotal / arrayOfPings.length

    if (!allOpen) {
        return { status: "DOWN", latency: avgLatency }
    } else if (hasHighLatency) {
        return { status: "DEGRADED", latency: avgLatency }
    } else {
        return { status: "UP", latency: avgLatency }
    }
})`
	}),
	Object.freeze({
		id: 'failover',
		name: 'Primary/secondary failover',
		description:
			"First host is the primary: UP with its latency when open; DEGRADED with the first open secondary's latency when not; DOWN when none is open.",
		source: `;(async function (arrayOfPings) {
    // Assume first host is primary, rest are secondaries
    const primary = arrayOfPings[0]
    const secondaries = arrayOfPings.slice(1)

    if (primary.status === "open") {
        // Primary is healthy
        return { status: "UP", latency: primary.latency }
    }

    // Primary is down, check secondaries
    const workingSecondary = secondaries.find((s) => s.status === "open")

    if (workingSecondary) {
        // Failover is working but primary is down
        return { status: "DEGRADED", latency: workingSecondary.latency }
    }

    // Both primary and all secondaries are down
    return { status: "DOWN", latency: 0 }
})`
	}),
	Object.freeze({
		id: 'weighted',
		name: 'Weighted service importance',
		description:
			'Weights 10, 5, 3 (then 1) by host order: UP when all open, DEGRADED when the open hosts carry at least half the weight, DOWN otherwise.',
		source: `;(async function (arrayOfPings) {
    // Weights: higher = more important
    // Order must match hosts array order
    const weights = [10, 5, 3] // e.g., database, cache, logging

    let totalWeight = 0
    let healthyWeight = 0
    let latencyTotal = 0
    let openCount = 0

    for (let i = 0; i < arrayOfPings.length; i++) {
        const weight = weights[i] || 1
        totalWeight += weight

        if (arrayOfPings[i].status === "open") {
            healthyWeight += weight
            latencyTotal += arrayOfPings[i].latency
            openCount++
        }
    }

    const healthPercent = healthyWeight / totalWeight
    const avgLatency = openCount > 0 ? latencyTotal / openCount : 0

    if (healthPercent === 1) {
        return { status: "UP", latency: avgLatency }
    } else if (healthPercent >= 0.5) {
        return { status: "DEGRADED", latency: avgLatency }
    } else {
        return { status: "DOWN", latency: avgLatency }
    }
})`
	}),
	Object.freeze({
		id: 'timeout-specific',
		name: 'Timeouts vs errors',
		description:
			'UP when all open; DEGRADED when only timeouts (no hard errors) or when some host is still open; DOWN when nothing is open.',
		source: `;(async function (arrayOfPings) {
    let openCount = 0
    let timeoutCount = 0
    let errorCount = 0
    let latencyTotal = 0

    for (let ping of arrayOfPings) {
        if (ping.status === "open") {
            openCount++
            latencyTotal += ping.latency
        } else if (ping.status === "timeout") {
            timeoutCount++
        } else {
            errorCount++
        }
    }

    const avgLatency = openCount > 0 ? latencyTotal / openCount : 0

    // All connections successful
    if (openCount === arrayOfPings.length) {
        return { status: "UP", latency: avgLatency }
    }

    // Some timeouts but no hard errors - service is slow
    if (errorCount === 0 && timeoutCount > 0) {
        return { status: "DEGRADED", latency: avgLatency }
    }

    // Mix of states - partial outage
    if (openCount > 0) {
        return { status: "DEGRADED", latency: avgLatency }
    }

    // Complete failure
    return { status: "DOWN", latency: 0 }
})`
	}),
	Object.freeze({
		id: 'percentile',
		name: 'Percentile latency (p95/p99)',
		description:
			'DOWN when nothing is open or p99 > 300 ms; DEGRADED when some host is not open or p95 > 150 ms; UP otherwise; latency = mean of the open hosts.',
		source: `;(async function (arrayOfPings) {
    const P95_THRESHOLD = 150 // milliseconds
    const P99_THRESHOLD = 300 // milliseconds

    // Extract latencies from successful connections only
    const latencies = arrayOfPings
        .filter((p) => p.status === "open")
        .map((p) => p.latency)
        .sort((a, b) => a - b)

    if (latencies.length === 0) {
        return { status: "DOWN", latency: 0 }
    }

    // Calculate percentiles
    const p95Index = Math.floor(latencies.length * 0.95)
    const p99Index = Math.floor(latencies.length * 0.99)
    const p95 = latencies[p95Index] || latencies[latencies.length - 1]
    const p99 = latencies[p99Index] || latencies[latencies.length - 1]
    const avg = latencies.reduce((a, b) => a + b, 0) / latencies.length

    // Not all hosts responded
    if (latencies.length < arrayOfPings.length) {
        return { status: "DEGRADED", latency: avg }
    }

    // Check percentile thresholds
    if (p99 > P99_THRESHOLD) {
        return { status: "DOWN", latency: avg }
    } else if (p95 > P95_THRESHOLD) {
        return { status: "DEGRADED", latency: avg }
    }

    return { status: "UP", latency: avg }
})`
	})
]);
