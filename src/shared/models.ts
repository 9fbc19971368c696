/**
 * Loads every model, so start-up and tests can create all indexes in one place. Features keep their
 * models to themselves; this file only makes sure each is registered.
 */
import '../people/unit-model';
import '../people/person-model';
import '../people/identity-binding-model';
import '../people/bind-code-model';
import '../people/approval-route-model';
import '../people/delegation-model';
import '../accounts/account-model';
import '../drafts/draft-model';
import '../audit/audit-event-model';
import '../outbox/outbox-message-model';
import '../jobs/job-run-model';
import '../cadence/calendar-override-model';
import '../cadence/reminder-policy-model';
import '../cadence/post-model';
import '../cadence/cadence-state-model';
import '../cadence/reminder-record-model';
import './revision-guard';
