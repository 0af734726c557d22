# The desk's side of public tips, and the organisations' airports. The tip pages'
# own words (the form at /tip, the receipt, /tip/status) are in
# content/public/<lang>/tip.toml, in every language of the public pages.
tip-when = When it was seen
error-guard-words = Please check the wording of your text (see the note below).
error-airport-taken = Another organisation already covers one of these airports.
desk-public-tip = Public tip
case-tip-help = From a member of the public, anonymous. Reply below: they read it with their receipt. Never ask who they are.
case-tip-thread = Messages with the sender
case-tip-sender = Sender
case-tip-no-messages = No messages yet.
case-tip-reply = Message to the sender
case-tip-reply-help = The sender reads this with their receipt. Do not ask them to intervene or to identify themselves.
case-tip-send = Send to the sender
airports-title = Airports covered
airports-help = Tips that name one of these airports go to this organisation's desk; tips naming no covered airport go to the public tip desk. Three-letter codes, separated by spaces.
airports-label = Airport codes
airports-save = Save airports
airports-saved = Saved.
case-tip-contact = Contact the sender gave
