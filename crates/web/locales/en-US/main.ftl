# Sightline interface messages (English). Every key here must also exist in
# ../fi/main.ftl; a test checks it. Arguments look like { $name }.

## Layout
skip-to-content = Skip to content
nav-label = Main
nav-home = Home
nav-people = People
nav-organisations = Organisations
sign-in = Sign in
sign-out = Sign out
footer-tagline = Sightline helps aviation staff recognise potential human trafficking and report it safely. An indicator is never proof.
continue = Continue
save = Save
yes = Yes
no = No
form-has-errors = Please correct the following:

## Landing page
landing-title = Recognise, report, respond
landing-heading = Aviation staff are often the only outsiders who see a potential victim in transit.
landing-lead = Sightline gives cabin crew, pilots, ground staff and airport security short role-based training, a discreet way to report what they see, and a desk that makes sure each report reaches the right authority in time.
landing-public-heading = Travelling? Not staff?
landing-public-text = What human trafficking is, the signs a passenger can see, and who answers for help at an airport, in eight languages, without an account.
landing-public-link = Pages for travellers
landing-public-help = Get help at an airport
landing-what = What Sightline does
pillar-learn = Learn
pillar-learn-text = Short courses for each role, with realistic scenarios, including the innocent situations that look alike.
pillar-report = Report
pillar-report-text = A report filed in seconds, also in flight without a network, guided by the chain: observe, do not confront, tell the captain.
pillar-triage = Respond
pillar-triage-text = A security desk sees reports by urgency and time to landing and hands them to the authorities at the destination.
do-no-harm-heading = Do no harm
do-no-harm-text = Signs are behaviours and circumstances, never someone's looks, origin or religion. Never confront anyone, never alert a suspected trafficker and never try to rescue anyone yourself: report, and let trained authorities act.

## Home
home-greeting = Welcome, { $name }
home-your-roles = Your roles:
meta-description = Sightline helps aviation staff recognise signs of potential human trafficking, report them discreetly and hand them to the right authority.
home-report-heading = Report what you noticed
home-report-text = File a report in seconds, also offline in flight. It reaches your security desk as soon as the device is online.
home-report-button = Report
home-report-mine = My reports
home-security = Account security
home-two-factor-on = Two-factor sign-in is on.
home-two-factor-off = Two-factor sign-in is off. Turning it on protects your account if your password leaks.
home-recovery-left = Recovery codes left: { $count }
home-people-text = Invite colleagues, import a crew roster, change roles and issue password reset links.
home-orgs-text = Create airlines, airports, NGOs and authorities, and invite their first administrators.
home-if-you-see = If you notice signs on duty
chain-observe = Observe and note what you see: times, seats, what was said.
chain-no-confront = Do not confront anyone and do not let a possible trafficker know you noticed.
chain-tell = Tell the senior cabin crew member and the captain; on the ground, airport police.
chain-indicator-note = One sign alone proves nothing. Consider the innocent explanations before you report.

## Roles and organisation kinds
role-learner = Learner
role-reporter = Reporter
role-desk-analyst = Desk analyst
role-org-admin = Organisation admin
role-platform-admin = Platform admin
org-kind-airline = Airline
org-kind-airport = Airport
org-kind-ngo = NGO
org-kind-authority = Authority

## Fields
field-name = Full name
field-email = E-mail address
field-password = Password
field-new-password = New password
field-repeat-password = Repeat the password
field-org-name = Organisation name
field-org-kind = Kind of organisation
field-code = Six-digit code
field-base = Base
password-help = At least 12 characters. A few unrelated words make a strong, memorable password.

## Setup
setup-title = Set up Sightline
setup-lead = This one-time page creates your organisation and the first platform administrator: you.
setup-your-org = Your organisation
setup-you = You, the first administrator
setup-submit = Create and continue
setup-expired-help = Restart the server to print a new setup link, or ask whoever runs it.

## Sign-in and two-factor
login-forgot = Forgot your password? Ask your organisation's administrator for a reset link.
two-factor-title = Two-factor sign-in
two-factor-enter = Enter the six-digit code from your authenticator app.
two-factor-recovery-hint = Lost your phone? Enter one of your recovery codes instead.
two-factor-set-up = Set up two-factor sign-in
two-factor-required = Your role gives access to sensitive information, so two-factor sign-in is required before you continue.
two-factor-step-app = Install an authenticator app on your phone (any app that supports time-based codes).
two-factor-step-scan = Scan this code with the app.
two-factor-qr-alt = QR code for your authenticator app
two-factor-or-type = Or type this key:
two-factor-step-confirm = Enter the six-digit code the app shows, to confirm.
two-factor-confirm = Turn on two-factor sign-in
recovery-title = Your recovery codes
recovery-lead = Each code lets you sign in once without your phone. Keep them somewhere safe, away from your phone.
recovery-once = These codes are shown only now. Sightline stores only their fingerprints.
recovery-saved = I have saved my codes

## Invitations and reset links
invite-title = Join Sightline
invite-lead = You have been invited to { $org }.
invite-accept = Create my account
invite-heading = Invite a person
invite-help = Sightline makes a personal link. Send it to the person through your usual channel; it works once.
invite-create = Create invitation link
invite-link-made = Invitation link for { $email }, valid for { $days } days:
invitations-pending = Open invitations
invitation-expires = expires { $date }
invitation-expired = expired
link-label = Link
link-share-safely = Share this link only with that person. Anyone holding it can use it once.
link-expired-title = Link not valid
reset-title = Choose a new password
reset-lead = For the account { $email }.
reset-submit = Save the new password
reset-done-title = Password changed
reset-done-text = Your new password is saved and any other sessions were signed out.
reset-link-made = Password reset link for { $email }, valid for { $hours } hours:

## People
users-roles = Roles
users-two-factor = Two-factor
users-actions = Actions
users-change-roles = Change roles
users-reset-link = Make reset link
users-no-password = no password yet
users-you = you
users-none = Nobody yet. Invite people or import a roster below.
roles-saved = Roles saved for { $name }.
roster-heading = Import a roster
roster-help = A CSV file with the columns name, email and role (and optionally base, employee_id and position: cabin_crew, flight_deck, ground or security, which decides the course). Several roles are separated by semicolons. If any row is wrong, nothing is imported and every problem is listed. Imported people receive their password through a reset link.
roster-file = CSV file
roster-import = Import
roster-imported = Imported { $count } people.
roster-failed = Nothing was imported. Fix these rows and upload the file again:
roster-line = Line
roster-column = Column
roster-problem = Problem

## Organisations
orgs-new = New organisation
orgs-create = Create organisation
orgs-people = People
orgs-created = Created

## Audit
audit-heading = Audit trail
audit-help = Every sign-in, failed sign-in and change to accounts is recorded here. Entries are chained so that any later change to them can be detected.
audit-when = When
audit-what = What
audit-who = Who
audit-record = Record
audit-detail = Detail
audit-address = Address

## Errors
error-invalid = This value is not valid.
error-required = This field is required.
error-too-short = This is too short.
error-too-long = This is too long.
error-control-characters = This contains characters that are not allowed.
error-invalid-email = Enter an e-mail address like name@example.org.
error-password-too-short = The password must be at least 12 characters long.
error-too-weak = Choose a password that is not a single repeated character or your e-mail address.
error-passwords-differ = The two passwords are not the same.
error-unknown-org-kind = Choose airline, airport, NGO or authority.
error-unknown-role = Unknown role. Use learner, reporter, desk_analyst or org_admin.
error-role-required = Choose at least one role.
error-role-not-allowed = Only a platform administrator can grant this role.
error-own-roles = You cannot change your own roles. Ask another administrator.
error-email-taken = This e-mail address already has an account.
error-org-name-taken = An organisation with this name already exists.
error-duplicate-in-file = This e-mail address appears more than once in the file.
error-missing-column = The file needs the columns name, email and role.
error-not-csv = This line could not be read as CSV.
error-too-many-rows = The file has too many rows (at most 5000).
error-file-required = Choose a CSV file to import.
error-link-expired = This link has expired or was already used.
error-sign-in-failed = The e-mail address or password is wrong.
error-throttled = Too many failed attempts. Wait 15 minutes and try again.
error-code-wrong = That code is not right, or it was already used. Check your phone's clock and try the newest code.

## Learn
nav-learn = Learn
learn-title = Courses
learn-lead = Short courses for your role. Each ends with a scenario check; pass it to receive a certificate valid for twelve months.
learn-sign-in-for-staff = Staff courses need an account.
learn-yours = Your courses
learn-others = Other courses
learn-minutes = { $minutes } min
learn-lessons-done = { $done } lessons read
learn-progress = Lessons read
learn-cert-valid = Certificate valid until { $date }
learn-cert-expired = Certificate expired { $date }: time to take the course again
learn-cert-revoked = Certificate revoked
learn-course-language = Course language:
learn-fallback-note = Part of this course is not yet translated into your language; that part is shown in English.
learn-begin = Begin
learn-resume = Continue where you left off
learn-lessons = Lessons
learn-read = Read
learn-lesson-of = Lesson { $n }
learn-previous = Previous lesson
learn-done-next = Mark as read and continue
learn-done-finish = Mark as read and finish
lang-en = English
lang-fi = Finnish
lang-sv = Swedish
position-cabin_crew = Cabin crew
position-flight_deck = Flight deck
position-ground = Ground and gate
position-security = Security and operations
position-public = Public
field-position = Position
position-saved = Position saved for { $name }.
error-unknown-position = Choose cabin crew, flight deck, ground and gate, or security and operations.

## Scenario check
check-title = Scenario check
check-about = { $count } scenarios are drawn at random, some of them innocent situations that only look suspicious. You pass with { $percent } % right answers; after submitting you see why each answer is right.
check-start = Start the scenario check
check-start-again = Start a new attempt
check-lead = Choose the best action for each situation. You need { $percent } % to pass.
check-submit = Submit my answers
check-answer-all = Answer every question before submitting ({ $count } still open).
check-your-attempts = Your attempts
check-passed = Passed
check-not-passed = Not passed yet
check-unfinished = Not submitted
check-result-title = Your result
check-score = { $right } of { $total } right ({ $percent } %)
check-need = You need { $percent } %. Read the explanations below, then start a new attempt: it draws new scenarios.
check-why = Why each answer is right
check-innocent-tag = Innocent look-alike
check-you-right = Your answer:
check-you-wrong = Your answer:
check-right-answer = Better:
check-already-submitted-title = Already submitted
check-already-submitted = This attempt was already submitted and cannot be changed. Start a new attempt to try again.
check-tampered-title = Answers not accepted
check-tampered = These answers do not match the scenarios you were given, so nothing was recorded. Open the check again and answer the questions shown.

## Certificates
cert-heading = Training certificate
cert-certifies = This certifies that
cert-completed = has passed the scenario check of the course
cert-language = Language: { $language }
cert-issued = Issued: { $date }
cert-valid-until = Valid until: { $date }
cert-code = Certificate code: { $code }
cert-verify = Check this certificate:
cert-footer = Sightline awareness training. One sign proves nothing: observe, never confront, report through the chain.
cert-yours = Your certificate
cert-download = Download certificate (PDF)
cert-verify-link = Verification page
cert-public-optional = Would you like a certificate?
cert-public-help = Optional. We only need the name to print on it; nothing else is asked or stored.
cert-public-create = Create my certificate
cert-revoke = Revoke
cert-revoke-reason = Reason
cert-revoked-done = Certificate { $code } was revoked.
verify-title = Certificate check
verify-valid = Valid: this certificate is genuine and in force.
verify-expired = Expired: this certificate was genuine but is past its validity date.
verify-revoked = Revoked: this certificate is no longer valid.
verify-unknown = No certificate has this code. Check the code and try again.
verify-course = Course
verify-issued = Issued
verify-valid-until = Valid until

## Training compliance
training-heading = Training
settings-heading = Desk settings
settings-lead-label = Minutes before scheduled landing to show "Escalate now"
settings-lead-hint = Whole minutes from 5 to 240. Give the destination's authorities enough time to meet the aircraft. The default is 30.
settings-save = Save
settings-saved = Saved. The desk queue uses the new time at once.
training-summary = { $valid } people hold a valid certificate for their position; { $due } are due for training.
training-scorm-heading = Packages for your learning system (SCORM 1.2)
training-scorm-lead = Each course as one SCORM 1.2 package for an LMS such as Moodle: the lessons, then the scenario check, which reports passed or failed and the score. Download again after a course changes.
training-scorm-missing = Not yet translated, exported in English: { $items }

## Report (the page title and icon are neutral on purpose)
report-page-title = Notes
report-mine = My reports
report-quick-exit = Exit
report-chain-title = Observe, do not confront.
report-danger-legend = First
report-immediate-danger = Someone is in immediate danger
report-disclosed = The person told me or asked for help
report-flight-legend = Flight
report-your-role = Your role
report-role-cabin_crew = Cabin crew
report-role-flight_deck = Flight deck
report-role-gate = Gate
report-role-check_in = Check-in
report-role-security = Security
report-role-other = Other
report-phase = When
report-phase-check_in = Check-in
report-phase-boarding = Boarding
report-phase-in_flight = In flight
report-phase-arrival = Arrival
report-phase-other = Other
report-flight = Flight
report-flight-id = Flight number, call sign or registration
report-flight-help = Like AY123, FIN5, N123AB or OH-LVA.
report-date = Date
report-departure-date = Date (departure)
report-where = Where
report-where-flight = On or for a flight
report-where-terminal = In the terminal, no flight
report-airport = Airport (code)
report-place = Where in the terminal
report-place-help = For example: gate 22, security lane 3, arrivals hall.
report-arrival-date = Arrival date (local)
report-guard = Describe behaviour and clothing, not origin. Words about ethnicity, skin colour, religion or nationality do not help the authorities find the person and can lead to wrong stops. You can still send.
report-fix = Open and fix
report-fix-lead = The server did not accept this report. Fix the marked field and send it again; it keeps its reference.
report-fix-first = Fix the marked fields. Nothing has been sent or shown to the captain yet.
report-flagged = Kept with a problem for the desk to check
desk-flags = Problems in the report
desk-flag-kept = The report was urgent, so it was stored anyway: each value above is kept as the reporter typed it (or left out). Check it with the reporter or the crew.
report-origin = From (airport code)
report-destination = To (airport code)
report-arrival = Scheduled arrival (local time)
report-seats = Seats
report-signs-legend = What you noticed
report-signs-help = Tick only what you saw or heard. Each sign has innocent explanations; open them to weigh them.
report-core-four = The four key signs
report-innocent-heading = Innocent explanations to weigh
report-people-legend = People
report-people-help = Neutral descriptions only: age range, gender as perceived, clothing. Never ethnicity or looks.
report-potential-victims = Potential victims
report-companions = Companions
report-describe-victim = Potential victim
report-describe-companion = Companion
report-age = Age range
report-age-child = Child (under 13)
report-age-teen = Teenager
report-age-young_adult = Young adult
report-age-adult = Adult
report-age-older = Older adult
report-age-unknown = Not sure
report-gender = Gender as perceived
report-gender-female = Female
report-gender-male = Male
report-gender-other = Other
report-gender-unknown = Not sure
report-clothing = Clothing or other neutral detail
report-companion-aware = Could the companion have noticed your concern?
report-aware-no = No
report-aware-yes = Yes
report-aware-unknown = Not sure
report-free-text = What happened (facts: times, words heard)
report-free-text-help = At most 2000 characters. Stored encrypted.
report-decision-heading = Before you send
report-review-none = No signs ticked yet.
report-considered = I have weighed the innocent explanations, and I will not confront anyone.
report-send = Save and send
report-relay-heading = Message for the captain
report-relay-help = Give this to the captain (or the senior cabin crew member) to relay. It is short enough for one ACARS message.
report-relay-copy = Copy message
report-relay-copied = Copied.
report-new = New report
report-saved-title = Report saved
report-saved-text = Your report { $reference } is saved. The security desk reviews every report.
report-gate-not-passed = One sign alone proves nothing. The desk will review this report before anything leaves your organisation.
report-mine-lead = Every report is reviewed, even when the outcome cannot be shared with you.
report-mine-none = No reports yet.
report-reference = Reference
report-received = Received
report-route = Route
report-status = Status
report-status-received = Received
report-status-being_handled = Being handled
report-status-handed_to_authorities = Handed over
report-status-closed = Closed
guidance-never = Do not confront anyone, do not let a possible trafficker know, and do not try to rescue anyone yourself.
guidance-in-flight = In flight: tell the senior cabin crew member and the captain, using the words "Suspected human trafficking", and give the captain the message below.
guidance-flight-deck = Flight deck: relay the message to operations as your procedures say, so that the destination's authorities can meet the aircraft.
guidance-ground = On the ground: tell your supervisor and the airport police. If the person has boarded, make sure the crew or operations know.
guidance-urgent-air = Immediate danger: tell the captain now.
guidance-urgent-ground = Immediate danger: call the emergency number now (112 in the EU, 911 in the US).
outbox-heading = Outbox
outbox-send-now = Send now
outbox-queued = Waiting to send
outbox-sent = Sent
outbox-attention = Needs attention
outbox-offline = No connection. Reports stay on this device and are sent automatically.
outbox-sign-in = Your session has ended. Sign in again; the waiting reports will be sent then.
outbox-conflict = A different report already has this id. It was kept on this device.
outbox-invalid = The server did not accept this report. It was kept on this device.
error-invalid-flight = Enter a flight number (AY123), an ICAO call sign (FIN5) or a registration (N123AB, OH-LVA).
error-assumed-utc = The destination is not known, so the arrival time was read as UTC.
error-invalid-codeword = Use 3 to 40 capital letters, digits and spaces, starting with a letter.
error-invalid-airport = Enter a three-letter airport code like HEL.
error-unknown-airport = No airport has this code.
error-invalid-date = Enter the date as YYYY-MM-DD.
error-invalid-time = Enter the time as HH:MM.
error-invalid-timestamp = Enter the time as an RFC 3339 timestamp, like 2026-11-28T09:00:00Z.
error-invalid-seat = Enter seats like 23A, separated by spaces.
error-out-of-range = Enter a number from the allowed range.
error-too-many = Too many entries.
error-unknown-indicator = Unknown sign.
error-nothing-reported = Tick at least one sign, or describe what happened.
error-must-confirm = Confirm that you have weighed the innocent explanations.
error-unknown-value = Choose one of the options.
error-invalid-id = The report id is not valid.

## Security desk
nav-desk = Desk
desk-title = Security desk
desk-lead = Reports of your organisation, most urgent first. The list refreshes itself.
desk-live = Updated
desk-open = Open cases
desk-filter = Filter
desk-compliance = Download the notifications record (CSV, US fiscal year)
desk-urgency = Urgency
desk-landing = Landing in
desk-age = Received
desk-danger = Immediate danger
desk-escalate-now = Escalate now
desk-escalation-lead = "Escalate now" is shown { $minutes } minutes before scheduled landing (set by your organisation).
desk-gate-not-passed = Below the gate
desk-unacknowledged = Not acknowledged
desk-mine = (yours)
desk-empty = No open reports.
desk-case = Case
desk-core = key sign
desk-persons = Potential victims + companions
case-status-received = Received
case-status-acknowledged = Acknowledged
case-status-escalated = Escalated
case-status-handed_over = Handed over
case-status-closed = Closed
case-outcome-met_on_arrival = Met on arrival by authorities
case-outcome-referred_to_ngo = Referred to an NGO
case-outcome-no_action_innocent = No action: innocent explanation
case-outcome-insufficient_information = Insufficient information
case-outcome-other = Other
case-gate-not-passed-help = This report did not pass the decision gate (one sign alone proves nothing). Escalating it needs your recorded reason.
case-escalate = Escalate to the authorities
case-escalate-help = Contacts come from the routing directory: for the origin when the report was made before departure, otherwise for the destination. Call or write using the message below, then record whom you contacted and their reference.
case-authority-message = Message for the authority
case-contact = Contact
case-stale = Not checked for over 12 months
case-verified = checked
case-source = source
case-no-contacts = No verified contact for this airport or country. Use your operations centre's procedure.
case-method = How
case-method-phone = Phone
case-method-email = E-mail
case-method-radio = Radio / ATC
case-method-in_person = In person
case-their-reference = Their reference
case-gate-override = Why escalate although the report did not pass the decision gate
case-record-contact = Record the contact
case-workflow = Workflow
case-move-to = Move to
case-outcome = Outcome (when closing)
case-reason = Reason (needed when going back)
case-assigned = Assigned to
case-assign = Assign
case-history = History
case-add-note = Add note
case-event-assigned = Assigned to { $name }
case-event-contact = Contacted
case-event-note = Note
error-changed-meanwhile = Someone else changed this case meanwhile. The page shows the latest version; check it and try again.
error-reason-required = Give a reason.
error-outcome-required = Choose an outcome to close the case.
error-no-change = Choose another status.
case-same-event = Possibly the same event
case-merge = Merge into this case
case-not-same = Not the same event
case-merged-here = Merged into this case:
case-event-merged = Merged report { $reference } into this case

# Routing directory
nav-directory = Directory
directory-title = Routing directory
directory-lead = Whom the desk contacts at a destination, by country and airport. Every entry names the source it was checked against and when. Entries not checked for over 12 months are marked: check them at their source before relying on them.
directory-summary = { $total } entries; { $stale } not checked for over 12 months.
directory-add = Add an entry
directory-country = Country
directory-country-hint = Two-letter country code (FI, US), EU for every EU member state, or INT for an international line.
directory-stale-only = Only entries to check again
directory-where = Where
directory-organisation = Organisation
directory-reach = How to reach them
directory-checked = Checked
directory-edit = Edit
directory-changed = changed
directory-none = Nothing here yet.
directory-recent = Recent changes
directory-change-seeded = from the content file
directory-change-created = added
directory-change-updated = changed
directory-change-removed = removed
directory-change-restored = restored
directory-content-file = content file
directory-edit-heading = Edit a directory entry
directory-saved = Saved. The desk offers the new details at once; the previous version is kept below.
directory-removed-note = This entry was removed and is no longer offered to the desk. Its history is kept.
directory-stale-note = This entry has not been checked for over 12 months. Check it at its source, correct it if needed, and set the date you checked it.
directory-rules = Only enter contacts you have checked at an official source today, and link that source. Never copy a number from memory or an unofficial list.
directory-airport = Airport (optional)
directory-airport-hint = A three-letter IATA code, only if this contact serves one airport.
directory-kind = Kind
directory-phone = Phone (international format)
directory-email = E-mail
directory-hours = Hours
directory-languages = Languages
directory-languages-hint = Language codes separated by commas, for example fi, sv, en.
directory-source = Source
directory-source-hint = The official page where you checked these details (https://…).
directory-last-verified = Checked on
directory-last-verified-hint = The date you last checked these details at the source.
directory-save = Save changes
directory-remove = Remove this entry
directory-remove-reason = Why it is removed (kept in the history)
directory-history = History
directory-version = Version { $version }
contact-kind-police = Police
contact-kind-border_guard = Border guard
contact-kind-national_hotline = National hotline
contact-kind-victim_assistance = Victim assistance
contact-kind-emergency = Emergency number
contact-kind-airport_police = Airport police
contact-kind-border_police = Border police
error-not-e164 = Enter the number in international format: + and the country code, then the number (for example +358 2954 63177). Put short numbers such as 112 under "Number inside the country".
error-needs-phone = Only a number in international format can be dialled from abroad: fill in the phone, or untick this.
directory-local-number = Number inside the country (optional)
directory-local-number-hint = As dialled inside the country, for short numbers with no international form (112, 1547) or the domestic form.
directory-local-short = Inside the country:
directory-phone-hint = International format: + and the country code, then the number.
directory-abroad = Can be dialled from abroad
directory-abroad-yes = dialable from abroad
directory-abroad-no = not from abroad
directory-public = Public: shown on the help pages for travellers
directory-public-hint = Only lines the public may call themselves (emergency numbers, 24/7 lines for potential victims and witnesses). Needs a phone or local number.
directory-public-yes = public
error-public-needs-number = A public line needs a phone or local number to call.
directory-hours-hint = Write 24/7 when the line answers around the clock; otherwise the hours as the source gives them. Leave empty when the source does not say.
directory-hours-not-stated = Hours not stated by the source
directory-notes = Notes for the desk
directory-languages-over = Languages (more than)
directory-languages-over-hint = When the source says "more than N languages" (through interpreters): the number N.
directory-languages-count = { $count }+ languages
case-routed-origin = Routed for the origin, { $place }: the report was made before departure.
case-routed-destination = Routed for the destination, { $place }.
case-routed-urgent = Immediate danger: lines that answer 24/7 by phone come first.
case-no-airport-line = No airport police or border police duty number for { $airport } could be verified. Ask the first line below to reach the police at the airport.
case-no-international-24-7 = No 24/7 number in international format could be verified for { $country }. The numbers below may only work inside the country, or have limited hours.
error-directory-changed-meanwhile = Someone else changed this entry meanwhile. Their change is in the history below; your input is kept. Check it and save again.
error-invalid-country = Enter a two-letter country code like FI, or EU.
error-phone-or-email = Give a phone number or an e-mail address.
error-invalid-phone = Enter the number with digits, spaces, +, - or brackets only.
error-invalid-languages = Enter two- or three-letter language codes separated by commas.
error-source-link = Link the official source, starting with https://.
error-date-in-future = The date cannot be in the future.

# Desk alerts, in the organisation's settings
settings-lead-heading = Escalation time
settings-codeword-heading = Relay message codeword
settings-codeword-label = First word of the captain's relay message
settings-codeword-hint = A discreet company codeword that your ground stations know, in place of SUSPECTED HUMAN TRAFFICKING on a datalink that others can read. Capital letters, digits and spaces; empty for the default.
settings-codeword-saved = The codeword was saved. New reports use it.
settings-alerts-heading = Alerts to the desk on duty
settings-alerts-lead = When a report arrives, and again when it is not acknowledged within 5 minutes, Sightline alerts the desk. Alerts carry only the flight, route, reference, urgency and time to landing, never descriptions or the report's text.
settings-email-label = Alert e-mail address
settings-email-hint = A shared desk mailbox is best. Leave empty to stop e-mail alerts.
settings-no-smtp = This server has no mail relay configured yet, so e-mail alerts wait until the operator sets one.
settings-email-saved = Saved. Alerts are e-mailed to this address from now on.
settings-email-stopped = E-mail alerts are stopped.
settings-webhook-heading = Webhook to your desk system
settings-webhook-label = Webhook address
settings-webhook-hint = Sightline posts a signed JSON message here (https:// recommended). Saving creates a new signing secret.
settings-webhook-replace = Save with a new secret
settings-webhook-stop = Stop the webhook
settings-webhook-saved = Saved. The webhook receives alerts from now on.
settings-webhook-stopped = The webhook is stopped.
settings-secret-once = Copy this signing secret now. It is shown only once.
settings-secret-how = Your desk system checks the X-Sightline-Signature header (HMAC-SHA256 of the body with this secret) to know a message came from Sightline.
error-invalid-url = Enter an address starting with https:// (without a user name or password).
error-private-address = This address is on a private network or this machine. Use the desk system's public https address, or ask the operator to allow private addresses.
settings-referral-heading = Referrals to your own system
settings-referral-lead = When a desk refers a case to your organisation, or writes to you on a referral, Sightline can tell your case management system at once with a signed message. The message holds only the referral's id, the case reference, its status and a link; your system then reads the referral with an API token of one of your caseworkers (scope "referrals").
settings-referral-hint = Your system's https address. Saving creates a new signing secret.
settings-referral-secret-how = Your system checks the X-Sightline-Signature header: HMAC-SHA256 with this secret over the X-Sightline-Timestamp value, a dot and the body.
settings-referral-webhook-saved = Saved. Your system is told of referrals from now on.
settings-referral-webhook-stopped = The referral webhook is stopped. Messages not yet delivered wait until you set one again.
settings-referral-counts = Delivered: { $sent }. Waiting or retrying: { $pending }. Given up: { $dead }.
settings-dead-letters-heading = Messages your system did not accept
settings-dead-letters-none = None. Every message was delivered or is still being retried.
settings-dead-letters-lead = These were tried 8 times over about two hours without a 2xx answer. When your system works again, send them again: each keeps its X-Sightline-Delivery id, so your system can drop one it already has.
settings-dead-letter-case = Case
settings-dead-letter-given-up = Given up
settings-dead-letter-error = Last answer
settings-dead-letter-attempts = { $n } attempts
settings-dead-letter-retry = Send again
settings-delivery-retried = It will be sent again within a minute.
error-https-required = Enter an address starting with https://.
directory-show-removed = Removed entries
directory-show-in-use = Entries in use
directory-removed-heading = Removed entries
directory-restore = Put this entry back in use
directory-restore-reason = Why it is put back (kept in the history)

# E-mails with links (invitation, first password, reset)
invite-send-email = E-mail the link to them
invite-link-emailed = The invitation for { $email } will be e-mailed within a minute (valid for { $days } days). The same link, if you need it:
reset-link-emailed = A password reset link for { $email } will be e-mailed within a minute (valid for { $hours } hours). The same link, if you need it:
users-reset-email = E-mail reset link
roster-send-email = E-mail each person a link to set their password (valid 7 days)
roster-imported-emailed = Imported { $count } people. Each will get an e-mail with a link to set their password.
mail-not-configured = To e-mail links, the operator sets up a mail relay (serve --smtp-url). Until then, copy the link and send it yourself.
mails-heading = E-mails from Sightline
mails-help = Links sent to your people. Waiting e-mails are retried for as long as their link is valid; if one fails, make a new link and pass it on another way.
mails-what = What
mails-queued = Queued
mails-sent = Sent
mails-waiting = Waiting
mails-failed = Not delivered
mails-kind-invitation = Invitation
mails-kind-welcome = First password
mails-kind-reset = Password reset
mail-footer = Sightline helps aviation staff recognise potential human trafficking and report it safely. This is an automatic message; replies are not read.
mail-invitation-subject = { $org } invites you to Sightline
mail-invitation-body =
    Hello { $name },

    { $org } has invited you to Sightline, where aviation staff learn to recognise signs of potential human trafficking and report what they see, safely and discreetly.

    Open this link to create your account. It works once, until { $until }:
    { $url }

    If you were not expecting this, you can ignore it: nothing happens without the link.
mail-welcome-subject = Your Sightline account at { $org }
mail-welcome-body =
    Hello { $name },

    { $org } has created a Sightline account for you. Sightline is where aviation staff learn to recognise signs of potential human trafficking and report what they see, safely and discreetly.

    Open this link to choose your password. It works once, until { $until }:
    { $url }

    If the link has expired, ask your Sightline administrator for a new one.
mail-reset-subject = Set a new Sightline password
mail-reset-body =
    Hello { $name },

    An administrator at { $org } has made a link for you to set a new Sightline password. It works once, until { $until }:
    { $url }

    If you did not ask for this, tell your administrator. Your current password keeps working until the link is used.
mails-kind-reminder = Certificate reminder
mail-reminder-subject = Your Sightline certificate expires soon: { $course }
mail-reminder-body =
    Hello { $name },

    Your Sightline certificate for "{ $course }" at { $org } is valid until { $until }. Training is renewed every year: please go through the course again and pass its check before then.

    Open the course:
    { $url }

    If you have already renewed it, you can ignore this message.

# API tokens
tokens-heading = API tokens
tokens-lead = A token lets a program act as you: the reference client (sightline report submit) or your desk's own systems. Keep it secret like a password, give each program its own, and revoke any you no longer use.
tokens-made = Copy this token now. It is shown only once.
tokens-how = Send it as "Authorization: Bearer <token>" to the API under /api/v1 (described at /api/v1/openapi.json).
tokens-name = Name
tokens-name-hint = What it is for, for example "desk system" or "reporting tablet".
tokens-created = Made
tokens-expires = Expires
tokens-revoke = Revoke
tokens-none = No tokens yet.
tokens-new = Make a token
tokens-lifetime = Valid for
tokens-days = { $days } days
tokens-create = Make token
tokens-state-active = Active
tokens-state-expired = Expired
tokens-state-revoked = Revoked
tokens-scopes = Scopes
tokens-scopes-hint = What the token may do. Choose only what the program needs; it can never do more than your roles allow.
tokens-scope-reports-write = send crew reports
tokens-scope-read = read (who you are, the directory, your organisation's people if you administer it)
tokens-scope-admin = administer (create organisations and people, as your roles allow)
error-scope-not-allowed = Your roles do not allow this scope.
error-unknown-scope = Unknown scope. Use reports:write, read or admin.
case-contact-other = Another authority from the directory (for example the origin's, if the aircraft turns back)

## Statistics (/stats, /orgs/{org}/stats)
stats-heading = Statistics
stats-lead = How many people Sightline has trained and how many reports of potential human trafficking it has received, counted so that no person or case can be picked out.
stats-hidden-note = "hidden": fewer than { $k }, or a larger number hidden so that a number under { $k } cannot be worked out from the totals. Zero means none.
stats-period = From { $from } to { $to } (months in UTC)
stats-csv = Download these tables (CSV)
stats-total = Total
stats-hidden = hidden
stats-language = Language
stats-nav-public = For travellers
stats-chart-see-table = The same numbers are in the table below the chart.
stats-escalated = Escalated
stats-not-escalated = Not escalated
stats-series-reports = Reports
stats-series-people = People trained
stats-role-unspecified = Position not set
stats-training-month-heading = People trained by month
stats-training-month-about = Certificates issued and not revoked, by month and course.
stats-training-month-corner = Month
stats-training-role-heading = People trained by course and role
stats-training-role-about = The same certificates by the holder's position when certified. The public course's learners are counted as public.
stats-training-role-corner = Course
stats-reports-month-heading = Reports and escalations by month
stats-reports-month-about = Reports received each month, and how many of them the security desk escalated to the authorities.
stats-reports-month-corner = Month
stats-reports-route-heading = Reports by route region
stats-reports-route-about = The regions of the departure and arrival airports (UN M49 regions). Terminal incidents and tips count at their airport.
stats-reports-route-corner = Route
stats-reports-sign-heading = Reports by sign
stats-reports-sign-about = A report with several signs counts under each. A sign is never proof.
stats-reports-sign-corner = Sign
stats-referrals-heading = Referrals and outcomes by month
stats-referrals-about = Referrals to partner organisations by the month they were made, and where each stands now: accepted, accepted with support recorded, declined, or waiting for an answer.
stats-referrals-corner = Month
stats-course = { $audience } course
stats-chart-top = The chart shows the { $n } largest; the table has every one.
stats-empty = Nothing counted yet in these months.

## Referrals (issue 13)
role-caseworker = Caseworker
nav-referrals = Referrals
home-referrals-text = Airline and airport desks refer cases to your organisation here. Acknowledge each one when you have read it, accept or decline it, and record the support given.
case-refer = Refer to a partner
case-refer-help = A referral passes the case to a support organisation or an authority with only what that recipient needs. Where it is safe to ask, ask the potential victim first whether they agree to it. If they refuse, nothing that could identify them is passed on.
case-refer-recipient = Partner
case-refer-in-sightline = Partners in Sightline
case-refer-outside = Outside Sightline (the directory's contacts for this case)
case-refer-consent = The person's consent
case-refer-details = Details for the partner (optional)
case-refer-submit = Refer
case-referrals = Referrals of this case
consent-given = Given: the person agreed to be referred
consent-not_asked_urgent = Not asked: the situation was urgent
consent-refused = Refused: share nothing that could identify the person
consent-short-given = Given
consent-short-not_asked_urgent = Not asked (urgent)
consent-short-refused = Refused
lawful-basis-consent = Consent (Art. 6(1)(a))
lawful-basis-legal_obligation = Legal obligation (Art. 6(1)(c))
lawful-basis-vital_interests = Vital interests (Art. 6(1)(d))
lawful-basis-public_task = Task in the public interest (Art. 6(1)(e))
lawful-basis-legitimate_interests = Legitimate interests (Art. 6(1)(f))
referral-reason-additional_services_required = The person needs support services
referral-reason-migration_or_change_of_location = The person is moving on or changing location
referral-reason-other = Other
profile-law_enforcement = For law enforcement: the flight, seats and neutral descriptions needed to find the person
profile-ngo = For a support organisation: no seats, clothing or reporter's role
referral-status-sent = Sent
referral-status-acknowledged = Acknowledged
referral-status-accepted = Accepted
referral-status-declined = Declined
referral-overdue = Not acknowledged in time
support-shelter = Shelter
support-legal_aid = Legal aid
support-medical = Medical care
support-return_home = Return home
support-handed_to_police = Handed to the police
support-declined_by_person = The person declined support
desk-waiting-referrals = No one has acknowledged these referrals within { $hours } hours. Reach the partner another way.
referral-title = Referral
referral-to = Partner
referral-case = Case
referral-status = Status
referral-terms = How it was referred
referral-consent = Consent
referral-basis = Lawful basis (GDPR Art. 6(1))
referral-reason = Why
referral-profile = What is shared
referral-made = Referred
referral-acknowledged-at = Acknowledged
referral-decided-at = Decided
referral-support = Support given
referral-shared = What this referral shares (HTCDS field names)
referral-shared-help = About a potential victim: staff observed these signs, and signs alone prove nothing. Methods of control are derived from the signs.
referral-download-json = Download HTCDS JSON
referral-download-csv = Download HTCDS CSV
referral-acknowledge = Acknowledge
referral-accept = Accept
referral-decline = Decline
referral-decline-reason = If you decline, say why
referral-record-support = Record the support given
referral-thread = Messages with the other side
referral-no-messages = No messages yet.
referral-message = Message
referral-send = Send
referral-from-partner = Partner
referral-from-desk = Referring desk
referral-partner-help = Never confront a suspected trafficker or attempt a rescue yourselves; work with the authorities. Acknowledge a referral once you have read it and accept it when you take the person on.
referrals-title = Referrals to your organisation
referrals-empty = No referrals yet.
referrals-received = Received
error-consent-not-given = Consent as the lawful basis needs the person's consent given.
error-not-for-recipient = This recipient may not receive this profile: a support organisation receives its own profile only.
error-not-a-partner = Only NGO and authority organisations receive referrals: choose a partner organisation or a directory contact.
error-not-allowed = That step is not possible at this stage.
## Partner pages (issue 13, item 5)
partners-heading = Partners
partners-lead = Organisations that support people affected by human trafficking and work with Sightline.
partners-none = No partner pages are published yet.
partners-what = What we do
partners-reach = How to reach us
partners-phone = Phone
partners-website = Website
partners-email = E-mail
partners-donate-heading = Support this work
partners-donate = Donate to { $name }
partners-donate-note = The link leads to the organisation's own donation page. Sightline does not handle donations.
partners-impact-heading = With Sightline
partners-impact-note = Counted from Sightline's own records. A number under { $k } is not shown, so that no person or case can be picked out.
partners-trained = People of the organisation trained with Sightline
partners-referrals = Referrals received
partners-supported = People supported after a referral
partners-fewer-than = fewer than { $k }
partners-updated = Page updated { $date }
partners-not-found-title = No such partner page
partners-not-found = There is no published partner page at this address.
partners-all = All partners
partners-danger = In danger now? Call the local emergency number (112 in Europe).
partner-service-awareness = Awareness
partner-service-shelter = Shelter
partner-service-legal_aid = Legal aid
partner-service-medical = Medical care
partner-service-return_home = Return home
partner-service-hotline = Hotline
partner-edit-heading = Partner page
partner-edit-lead = Your organisation's public page: who you are, what you do, how to reach you and where to donate. Sightline adds figures from its own records, with every number under 11 hidden.
partner-slug-label = Address
partner-slug-hint = Lower-case letters, digits and hyphens, 3 to 60 characters. The page is /partners/ followed by this.
partner-about-label = Who you are and what you do
partner-about-hint = Plain text, up to 2,000 characters. An empty line starts a new paragraph.
partner-services-label = Services
partner-phone-label = Public phone
partner-phone-hint = International format, for example +358 40 123 4567.
partner-website-label = Website
partner-email-label = Public e-mail address
partner-donation-label = Donation link
partner-link-hint = An address starting with https://.
partner-published-label = Published: anyone can see the page
partner-reach-hint = A published page needs a phone, a website or an e-mail address.
partner-save = Save
partner-saved = The partner page is saved.
partner-view = View the public page
partner-changed-meanwhile = Someone changed the page while you were editing it. It is shown as it is now: make your change again.
error-https-only = Use an address starting with https:// (no other kind of link).
error-invalid-slug = Use 3 to 60 lower-case letters, digits and hyphens, not starting or ending with a hyphen.
error-slug-taken = Another organisation's page has this address. Choose another.
error-reach-required = A published page needs a phone, a website or an e-mail address.
stats-series-referrals = Referrals
stats-outcome-accepted = Accepted
stats-outcome-supported = Support recorded
stats-outcome-declined = Declined
stats-outcome-waiting = Waiting for an answer

## Training assignments (issue 14)
mail-assignment-due-subject = Training due by { $due }: { $course }
mail-assignment-due-body =
    Hello { $name },

    { $org } asks you to complete the Sightline course "{ $course }" by { $due } ({ $days } days from now). It takes about half an hour: go through the lessons and pass the scenario check.

    { $url }
mail-assignment-overdue-subject = Training overdue: { $course }
mail-assignment-overdue-body =
    Hello { $name },

    Your Sightline course "{ $course }" for { $org } was due on { $due } and is now overdue. Please go through it and pass the scenario check as soon as you can.

    { $url }
mail-overdue-digest-subject = { $org }: { $count } newly overdue on Sightline training
mail-overdue-digest-body =
    Hello { $name },

    These people at { $org } became overdue on their assigned Sightline training:

    { $people }

    The compliance dashboard lists everyone overdue:
    { $url }
mail-overdue-digest-more = … and { $count } more
assign-heading = Training assignments
assign-lead = Require a course of everyone in a position, or only at one base. New joiners have a number of days to take it; after that it is due again every so many months after their last completion. People are reminded by e-mail before it is due.
assign-list-heading = Assigned courses
assign-none = No course is assigned yet.
assign-course = Course
assign-due-days = Days for new joiners
assign-due-days-hint = Counted from the day the person's account was made (they joined the organisation).
assign-recur-months = Again every (months)
assign-change = Change
assign-any-base = Every base
assign-save = Save
assign-delete = Remove assignment
assign-new-heading = Assign a course
assign-choose = Choose…
assign-base-hint = Optional. Leave empty for every base; otherwise a base your people work at, as on their records.
assign-create = Assign
assign-settings-heading = Reminders and fiscal year
assign-offsets = Reminder days before the due date
assign-offsets-hint = Comma-separated, for example 60, 30, 7, 0 (0 is the day it becomes overdue; admins then get one digest of who became overdue).
assign-fiscal-start = Fiscal year starts in
assign-settings-save = Save settings
assign-created = The course is assigned.
assign-updated = The assignment is changed.
assign-deleted = The assignment is removed.
assign-settings-saved = Settings saved.
assign-changed-meanwhile = Someone changed this assignment meanwhile; here it is as it stands now.
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
standing-current = Current
standing-due-soon = Due soon
standing-overdue = Overdue
standing-not-started = Not started
compliance-heading = Training compliance
compliance-lead = Where the people your assignments cover stand today: current, due within 30 days, overdue, or not started yet (new joiners within their first days). A person with several assigned courses counts under the one that needs attention most. Choose a number to see the people.
compliance-filters = Filters
compliance-any = Any
compliance-status = Status
compliance-apply = Show
compliance-clear = Clear filters
compliance-total = Total
compliance-by-position = By position
compliance-by-base = By base
compliance-no-base = No base
compliance-nobody = Nobody matches.
compliance-people = People
compliance-shown = { $shown } of { $matched } people shown.
compliance-courses = Assigned courses
compliance-due-on = due { $date }
compliance-export-heading = Yearly figures
compliance-export-lead = Staff assigned, trained during the fiscal year and current at its end (today for the running year) by position: the figures a carrier reports each year.
compliance-fy = Fiscal year { $year }
compliance-year-heading = Staff trained and current, fiscal year { $year }
compliance-year-period = Fiscal year from { $from } to { $to }
compliance-year-as-of = "Current" counted on { $date }
compliance-assigned = Staff assigned
compliance-trained = Trained in the year
compliance-current = Current
compliance-year-note = Staff assigned: people covered by a training assignment who had joined by the date above. Trained in the year: of them, those who completed an assigned course during the fiscal year. Current: those not overdue on any assigned course on that date.
error-unknown-course = Choose one of the courses.
error-unknown-base = No one in your organisation works at this base. Check the spelling, or leave it empty for every base.
error-invalid-offsets = Enter whole numbers of days from 0 to 365, separated by commas, each once (at most 8).
learn-due-heading = Assigned to you
learn-due-item = { $course }: due { $date }
desk-training-compliance = Training compliance (yearly figures)
## Single sign-on (OpenID Connect)
sso-sign-in = Sign in with your company account
sso-lead = If your organisation signs you in through its own identity provider (Entra ID, Okta, Keycloak …), continue there.
sso-org-label = Your organisation, or your work e-mail address
sso-org-hint = For example Demo Airline, demo-airline.example or you@demo-airline.example.
sso-continue = Continue to your company sign-in
sso-password-instead = Sign in with a password instead
sso-try-again = Try again
sso-refused-heading = You could not be signed in
sso-refused-state-unknown = This sign-in was not started in this browser, or is unknown. Start again from the sign-in page.
sso-refused-state-replayed = This sign-in answer was already used. Start again from the sign-in page.
sso-refused-state-expired = This sign-in took too long. Start again from the sign-in page.
sso-refused-idp-error = Your company's sign-in service did not sign you in (it refused, or you cancelled). Nothing was changed here.
sso-refused-provider-unreachable = Your company's sign-in service could not be reached or answered wrongly. Try again later; if it goes on, tell your administrator.
sso-refused-issuer = The answer came from a sign-in service your organisation has not set up. You were not signed in.
sso-refused-token-malformed = The sign-in answer could not be read. You were not signed in.
sso-refused-token-algorithm = The sign-in answer was signed in a way Sightline does not accept. You were not signed in.
sso-refused-token-unknown-key = The sign-in answer was signed with a key your company's sign-in service does not publish. You were not signed in.
sso-refused-token-bad-signature = The sign-in answer's signature is wrong. You were not signed in.
sso-refused-token-issuer = The sign-in answer names a sign-in service your organisation has not set up. You were not signed in.
sso-refused-token-audience = The sign-in answer was meant for another application. You were not signed in.
sso-refused-token-expired = The sign-in answer has expired. Start again from the sign-in page.
sso-refused-token-issued-at = The sign-in answer is too old, or dated in the future. Check the time on the server and start again.
sso-refused-token-nonce = The sign-in answer does not belong to this sign-in (it may have been replayed). You were not signed in.
sso-refused-token-missing-claim = The sign-in answer lacks who you are. You were not signed in.
sso-refused-email = Your company account has no verified e-mail address Sightline can use. Ask your administrator.
sso-refused-other-org = Your e-mail address belongs to an account of another organisation. Ask your administrator.
sso-refused-inactive = Your account has been switched off. Ask your organisation's administrator.
sso-refused-no-role = Your company account is not in any group that has access to Sightline, so no account was created. Ask your administrator to add you to the right group.
error-sso-unknown-org = No organisation with company sign-in matches this. Check the spelling, or sign in with a password.
error-sso-provider-unreachable = Your company's sign-in service cannot be reached right now. Try again later.
error-password-sign-in-off = Your organisation signs you in with your company account. Use "Sign in with your company account" below.
error-invalid-domain = Enter a domain such as example.com.
error-mapping-line = Write one rule a line: claim = value -> role (for example groups = sightline-desk -> desk_analyst).
error-mapping-role-not-allowed = An identity provider cannot grant platform admin.
error-taken = Another organisation already uses this.
settings-sso-heading = Single sign-on (OpenID Connect)
settings-sso-lead = Let your people sign in with their company account. Register Sightline at your identity provider as a web application (authorisation code flow with PKCE) and enter what it gives you.
settings-sso-redirect = Redirect URI to register:
settings-sso-issuer = Issuer URL
settings-sso-issuer-hint = Exactly as the provider names itself, e.g. https://login.microsoftonline.com/TENANT/v2.0 or https://keycloak.example/realms/crew.
settings-sso-client-id = Client ID
settings-sso-client-secret = Client secret
settings-sso-secret-hint = Stored sealed; never shown again.
settings-sso-secret-kept = A secret is stored (sealed). Leave empty to keep it, or enter a new one.
settings-sso-domain = Company e-mail domain
settings-sso-domain-hint = People type it (or their address) to find your sign-in. Addresses in it are trusted when the provider does not say whether an address is verified.
settings-sso-mapping = Groups and roles
settings-sso-mapping-hint = One rule a line: claim = value -> role. A person the rules give no role gets no account. Roles: learner, reporter, desk_analyst, org_admin, caseworker.
settings-sso-acr = Authentication class that counts as two-factor (optional)
settings-sso-acr-hint = Two-factor also counts when the provider's amr says mfa, otp, hwk, sc or mca. Otherwise people who need it do Sightline's own second step.
settings-sso-password = People may also sign in with a password
settings-sso-password-hint = Clear this to allow only company sign-in (platform administrators keep their password).
settings-sso-saved = Single sign-on was saved.
settings-sso-removed = Single sign-on was removed. People sign in with passwords again.
settings-sso-remove = Remove single sign-on
# xAPI: statements to the organisation's learning record store (issue 14, item 4)
settings-lrs-heading = Learning record store (xAPI)
settings-lrs-lead = Sightline can send your learning record store (LRS) an xAPI 1.0.3 statement when someone reads a lesson, passes or fails the scenario check, and completes a course. Statements wait and are retried if your LRS is down.
settings-lrs-enabled = Send statements to the LRS
settings-lrs-endpoint = LRS endpoint
settings-lrs-endpoint-hint = The xAPI endpoint's https address; statements are posted to it followed by /statements.
settings-lrs-key = Key (Basic auth user name)
settings-lrs-secret = Secret (Basic auth password)
settings-lrs-secret-kept = A secret is stored. Leave this empty to keep it.
settings-lrs-actor = How people are named in the LRS
settings-lrs-actor-account = By an opaque account id (recommended: no e-mail address leaves Sightline)
settings-lrs-actor-mbox = By their e-mail address
settings-lrs-home-page = Account home page
settings-lrs-home-page-hint = The account's homePage. Empty: this server's address.
settings-lrs-activity-base = Activity id base
settings-lrs-activity-base-hint = Course, lesson and check ids start with this. Empty: this server's learning pages.
settings-lrs-saved = Saved. Statements are sent from now on while sending is on.
settings-lrs-counts = Accepted by the LRS: { $sent }. Waiting or retrying: { $pending }. Given up: { $dead }.
settings-lrs-oldest = The oldest waiting is from { $at }.
settings-lrs-last-error = Last error
settings-lrs-dead-heading = Statements the LRS did not accept
settings-lrs-dead-none = None. Every statement was accepted or is still being retried.
settings-lrs-dead-lead = These were tried 8 times over about two hours. When your LRS works again, send them again: each keeps its statement id, so the LRS stores each once.
settings-lrs-retry = Send all again
settings-lrs-retried = They will be sent again within a minute.
error-none-to-send = There is nothing to send again.
