// What the public may see of a monitor's private detail, decided once for
// every public surface (status pages, /api/v1, anything added later). A
// check's error text is written by the probe or the eval and can name hosts,
// addresses and ports ("ECONNREFUSED 10.0.3.7:5432"), so it is shown only
// where the admin chose to show hosts (show_hosts).
export function publicError(error: string | null | undefined, showHosts: boolean): string | null {
	return showHosts && error ? error : null;
}
