import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// Editors live at /admin/monitors/{tag}/edit, so a monitor tagged "new" never
// collides with /admin/monitors/new. This short form just forwards.
// Encoded again: the decoded tag may hold anything (a NUL, say), which is no valid Location header.
export const load: PageServerLoad = ({ params }) => redirect(303, `/admin/monitors/${encodeURIComponent(params.tag)}/edit`);
