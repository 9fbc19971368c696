/**
 * Loads every model of the application, so start-up and tests can create all indexes in one place
 * (and the query guard knows them). Features keep their models to themselves; this file only makes
 * sure each is registered. It sits above the features, with main.ts and services.ts: the database
 * module in shared/ creates the indexes of whatever is registered and knows no feature. The bot
 * registers its own model (bot/inbound-message-model.ts) when it is loaded.
 */
import './people/unit-model';
import './people/person-model';
import './people/identity-binding-model';
import './people/bind-code-model';
import './people/approval-route-model';
import './people/delegation-model';
import './accounts/account-model';
import './annual-review/annual-review-model';
import './drafts/draft-model';
import './drafts/draft-transition-model';
import './drafts/draft-listing-model';
import './drafts/draft-listing-change-model';
import './audit/audit-event-model';
import './outbox/outbox-message-model';
import './outbox/outbox-archive-model';
import './cadence/calendar-override-model';
import './cadence/reminder-policy-model';
import './cadence/post-model';
import './cadence/cadence-state-model';
import './cadence/recent-post-model';
import './cadence/reminder-record-model';
import './publication/publication-model';
import './jobs/job-run-model';
import './auth/auth-attempt-model';
import './auth/session-model';
import './publication/official-account-push-model';
import './publication/official-account-connection-model';
import './publication/platform-article-model';
import './publication/approval-fingerprint-model';
import './publication/sweep-state-model';
import './inquiries/inquiry-model';
import './inquiries/inquiry-reminder-model';
import './inquiries/inquiry-setting-model';
import './shared/claimed-write';
