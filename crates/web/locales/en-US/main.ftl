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
roster-help = A CSV file with the columns name, email and role (and optionally base and employee_id). Several roles are separated by semicolons. If any row is wrong, nothing is imported and every problem is listed. Imported people receive their password through a reset link.
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
cert-heading = Certificate of completion
cert-certifies = This certifies that
cert-completed = has completed the course
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
training-summary = { $valid } people hold a valid certificate for their position; { $due } are due for training.
