/**
 * The audit trail is for administrators only: every audit resource needs the realm role `admin`
 * (a known user without it gets 403 over HTTP, a request without a valid token 401). There are
 * no calls: the trail is written only from the stream.
 */
import { ADMIN_ROLE, allow, hasRole } from '@hub/auth';

export const adminOnly = allow({ get: hasRole(ADMIN_ROLE) });
