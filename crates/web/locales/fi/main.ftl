# Sightlinen käyttöliittymän tekstit (suomi). Jokaisen tiedoston
# ../en-US/main.ftl avaimen on oltava myös tässä tiedostossa; testi tarkistaa sen. Argumentit ovat muotoa { $name }.

## Sivupohja
skip-to-content = Siirry sisältöön
nav-label = Päävalikko
nav-home = Etusivu
nav-people = Henkilöt
nav-organisations = Organisaatiot
sign-in = Kirjaudu sisään
sign-out = Kirjaudu ulos
footer-tagline = Sightline auttaa ilmailualan henkilöstöä tunnistamaan mahdollisen ihmiskaupan ja ilmoittamaan siitä turvallisesti. Tunnusmerkki ei koskaan ole todiste.
continue = Jatka
save = Tallenna
yes = Kyllä
no = Ei
form-has-errors = Korjaa seuraavat kohdat:

## Aloitussivu
landing-title = Tunnista, ilmoita, toimi
landing-heading = Ilmailualan työntekijät ovat usein ainoita ulkopuolisia, jotka näkevät mahdollisen uhrin matkan aikana.
landing-lead = Sightline tarjoaa matkustamohenkilökunnalle, lentäjille, maahenkilöstölle ja lentoaseman turvahenkilöstölle lyhyttä roolikohtaista koulutusta, huomaamattoman tavan ilmoittaa havainnoista sekä turvallisuuskeskuksen, joka varmistaa, että jokainen ilmoitus päätyy ajoissa oikealle viranomaiselle.
landing-what = Mitä Sightline tekee
pillar-learn = Opi
pillar-learn-text = Lyhyet kurssit jokaiselle roolille ja realistiset esimerkkitilanteet – myös harmittomat tilanteet, jotka näyttävät samanlaisilta.
pillar-report = Ilmoita
pillar-report-text = Ilmoituksen tekee sekunneissa, myös lennon aikana ilman verkkoyhteyttä. Ohjeena on toimintaketju: havainnoi, älä puutu itse, kerro kapteenille.
pillar-triage = Toimi
pillar-triage-text = Turvallisuuskeskus näkee ilmoitukset kiireellisyyden ja laskeutumiseen jäljellä olevan ajan mukaan ja välittää ne määränpään viranomaisille.
do-no-harm-heading = Älä aiheuta vahinkoa
do-no-harm-text = Tunnusmerkit liittyvät käyttäytymiseen ja olosuhteisiin, eivät koskaan ihmisen ulkonäköön, alkuperään tai uskontoon. Älä koskaan ota ketään puhutteluun, älä koskaan anna epäillyn ihmiskauppiaan huomata epäilyjäsi äläkä koskaan yritä pelastaa ketään itse: ilmoita ja anna koulutettujen viranomaisten toimia.

## Etusivu
home-greeting = Tervetuloa, { $name }
home-your-roles = Roolisi:
home-security = Tilin suojaus
home-two-factor-on = Kaksivaiheinen tunnistautuminen on käytössä.
home-two-factor-off = Kaksivaiheinen tunnistautuminen ei ole käytössä. Kun otat sen käyttöön, tilisi on suojattu, vaikka salasanasi vuotaisi.
home-recovery-left = Varakoodeja jäljellä: { $count }
home-people-text = Kutsu kollegoita, tuo miehistön henkilöluettelo, muuta rooleja ja luo salasanan palautuslinkkejä.
home-orgs-text = Luo lentoyhtiöitä, lentoasemia, järjestöjä ja viranomaisia ja kutsu niiden ensimmäiset ylläpitäjät.
home-if-you-see = Jos huomaat tunnusmerkkejä työvuoron aikana
chain-observe = Havainnoi ja kirjaa ylös, mitä näet: kellonajat, istumapaikat ja mitä sanottiin.
chain-no-confront = Älä ota ketään puhutteluun äläkä anna mahdollisen ihmiskauppiaan huomata, että olet pannut jotain merkille.
chain-tell = Kerro matkustamon esimiehelle ja kapteenille; maassa lentoaseman poliisille.
chain-indicator-note = Yksi tunnusmerkki ei yksinään todista mitään. Pohdi mahdollisia harmittomia selityksiä ennen kuin ilmoitat.

## Roolit ja organisaatiotyypit
role-learner = Oppija
role-reporter = Ilmoittaja
role-desk-analyst = Turvallisuusanalyytikko
role-org-admin = Organisaation ylläpitäjä
role-platform-admin = Alustan ylläpitäjä
org-kind-airline = Lentoyhtiö
org-kind-airport = Lentoasema
org-kind-ngo = Järjestö
org-kind-authority = Viranomainen

## Kentät
field-name = Koko nimi
field-email = Sähköpostiosoite
field-password = Salasana
field-new-password = Uusi salasana
field-repeat-password = Toista salasana
field-org-name = Organisaation nimi
field-org-kind = Organisaation tyyppi
field-code = Kuusinumeroinen koodi
field-base = Kotikenttä
password-help = Vähintään 12 merkkiä. Muutamasta toisiinsa liittymättömästä sanasta saa vahvan ja helposti muistettavan salasanan.

## Käyttöönotto
setup-title = Ota Sightline käyttöön
setup-lead = Tällä kertaluonteisella sivulla luodaan organisaatiosi ja alustan ensimmäinen ylläpitäjä eli sinä.
setup-your-org = Organisaatiosi
setup-you = Sinä, ensimmäinen ylläpitäjä
setup-submit = Luo ja jatka
setup-expired-help = Käynnistä palvelin uudelleen, niin se tulostaa uuden käyttöönottolinkin, tai pyydä apua palvelimen ylläpitäjältä.

## Kirjautuminen ja kaksivaiheinen tunnistautuminen
login-forgot = Unohditko salasanasi? Pyydä palautuslinkki organisaatiosi ylläpitäjältä.
two-factor-title = Kaksivaiheinen tunnistautuminen
two-factor-enter = Kirjoita todennussovelluksesi näyttämä kuusinumeroinen koodi.
two-factor-recovery-hint = Onko puhelimesi kadonnut? Kirjoita sen sijaan jokin varakoodeistasi.
two-factor-set-up = Kaksivaiheisen tunnistautumisen käyttöönotto
two-factor-required = Roolisi antaa pääsyn arkaluonteisiin tietoihin, joten sinun on otettava kaksivaiheinen tunnistautuminen käyttöön ennen kuin voit jatkaa.
two-factor-step-app = Asenna puhelimeesi todennussovellus (mikä tahansa sovellus, joka tukee aikaperusteisia koodeja).
two-factor-step-scan = Skannaa tämä koodi sovelluksella.
two-factor-qr-alt = QR-koodi todennussovellusta varten
two-factor-or-type = Tai kirjoita tämä avain:
two-factor-step-confirm = Vahvista kirjoittamalla sovelluksen näyttämä kuusinumeroinen koodi.
two-factor-confirm = Ota kaksivaiheinen tunnistautuminen käyttöön
recovery-title = Varakoodisi
recovery-lead = Kullakin koodilla voit kirjautua kerran ilman puhelinta. Säilytä koodit turvallisessa paikassa erillään puhelimestasi.
recovery-once = Koodit näytetään vain nyt. Sightline tallentaa niistä vain tiivisteet.
recovery-saved = Olen tallentanut koodini

## Kutsut ja palautuslinkit
invite-title = Liity Sightlineen
invite-lead = Sinut on kutsuttu organisaatioon { $org }.
invite-accept = Luo tilini
invite-heading = Kutsu henkilö
invite-help = Sightline luo henkilökohtaisen linkin. Lähetä se henkilölle tavallista viestintäkanavaasi pitkin. Linkkiä voi käyttää vain kerran.
invite-create = Luo kutsulinkki
invite-link-made = Kutsulinkki osoitteelle { $email }, voimassa { $days } vrk:
invitations-pending = Avoimet kutsut
invitation-expires = vanhenee { $date }
invitation-expired = vanhentunut
link-label = Linkki
link-share-safely = Jaa tämä linkki vain kyseiselle henkilölle. Kuka tahansa linkin saanut voi käyttää sen kerran.
link-expired-title = Linkki ei ole voimassa
reset-title = Valitse uusi salasana
reset-lead = Käyttäjätili: { $email }
reset-submit = Tallenna uusi salasana
reset-done-title = Salasana vaihdettu
reset-done-text = Uusi salasanasi on tallennettu, ja kaikki muut istunnot on kirjattu ulos.
reset-link-made = Salasanan palautuslinkki osoitteelle { $email }, voimassa { $hours } h:

## Henkilöt
users-roles = Roolit
users-two-factor = Kaksivaiheinen
users-actions = Toiminnot
users-change-roles = Muuta rooleja
users-reset-link = Luo palautuslinkki
users-no-password = ei vielä salasanaa
users-you = sinä
users-none = Ei vielä ketään. Kutsu henkilöitä tai tuo henkilöluettelo alla.
roles-saved = Roolit tallennettu käyttäjälle { $name }.
roster-heading = Tuo henkilöluettelo
roster-help = CSV-tiedosto, jossa on sarakkeet name, email ja role (sekä valinnaisesti base ja employee_id). Useat roolit erotetaan toisistaan puolipisteillä. Jos jollakin rivillä on virhe, mitään ei tuoda ja kaikki ongelmat luetellaan. Tuodut henkilöt saavat salasanansa palautuslinkin kautta.
roster-file = CSV-tiedosto
roster-import = Tuo
roster-imported = Tuotuja henkilöitä: { $count }.
roster-failed = Mitään ei tuotu. Korjaa nämä rivit ja lataa tiedosto uudelleen:
roster-line = Rivi
roster-column = Sarake
roster-problem = Ongelma

## Organisaatiot
orgs-new = Uusi organisaatio
orgs-create = Luo organisaatio
orgs-people = Henkilöt
orgs-created = Luotu

## Tapahtumaloki
audit-heading = Tapahtumaloki
audit-help = Tähän kirjataan jokainen kirjautuminen, epäonnistunut kirjautumisyritys ja tileihin tehty muutos. Merkinnät on ketjutettu, joten niihin myöhemmin tehdyt muutokset voidaan havaita.
audit-when = Milloin
audit-what = Mitä
audit-who = Kuka
audit-record = Tietue
audit-detail = Lisätiedot
audit-address = Osoite

## Virheet
error-invalid = Arvo ei kelpaa.
error-required = Tämä kenttä on pakollinen.
error-too-short = Tämä on liian lyhyt.
error-too-long = Tämä on liian pitkä.
error-control-characters = Tämä sisältää merkkejä, jotka eivät ole sallittuja.
error-invalid-email = Kirjoita sähköpostiosoite muodossa nimi@example.org.
error-password-too-short = Salasanassa on oltava vähintään 12 merkkiä.
error-too-weak = Valitse salasana, joka ei ole pelkkää samaa merkkiä toistettuna eikä sähköpostiosoitteesi.
error-passwords-differ = Salasanat eivät ole samat.
error-unknown-org-kind = Valitse lentoyhtiö, lentoasema, järjestö tai viranomainen.
error-unknown-role = Tuntematon rooli. Käytä arvoa learner, reporter, desk_analyst tai org_admin.
error-role-required = Valitse vähintään yksi rooli.
error-role-not-allowed = Vain alustan ylläpitäjä voi myöntää tämän roolin.
error-own-roles = Et voi muuttaa omia roolejasi. Pyydä toista ylläpitäjää tekemään muutos.
error-email-taken = Tällä sähköpostiosoitteella on jo tili.
error-org-name-taken = Samanniminen organisaatio on jo olemassa.
error-duplicate-in-file = Tämä sähköpostiosoite esiintyy tiedostossa useammin kuin kerran.
error-missing-column = Tiedostossa on oltava sarakkeet name, email ja role.
error-not-csv = Riviä ei voitu lukea CSV-muodossa.
error-too-many-rows = Tiedostossa on liikaa rivejä (enintään 5000).
error-file-required = Valitse tuotava CSV-tiedosto.
error-link-expired = Linkki on vanhentunut tai sitä on jo käytetty.
error-sign-in-failed = Sähköpostiosoite tai salasana on väärin.
error-throttled = Liian monta epäonnistunutta yritystä. Odota 15 minuuttia ja yritä uudelleen.
error-code-wrong = Koodi on väärin tai sitä on jo käytetty. Tarkista puhelimesi kellonaika ja kokeile uusinta koodia.

## Koulutus
nav-learn = Koulutus
learn-title = Kurssit
learn-lead = Lyhyitä kursseja omaan tehtävääsi. Jokainen päättyy tilannetehtäviin; läpäisemällä ne saat todistuksen, joka on voimassa kaksitoista kuukautta.
learn-sign-in-for-staff = Henkilöstön kurssit vaativat käyttäjätilin.
learn-yours = Sinun kurssisi
learn-others = Muut kurssit
learn-minutes = { $minutes } min
learn-lessons-done = Luettu: { $done }
learn-progress = Luetut oppitunnit
learn-cert-valid = Todistus voimassa { $date } asti
learn-cert-expired = Todistus vanheni { $date }: on aika suorittaa kurssi uudelleen
learn-cert-revoked = Todistus peruttu
learn-course-language = Kurssin kieli:
learn-fallback-note = Osaa tästä kurssista ei ole vielä käännetty kielellesi; se osa näytetään englanniksi.
learn-begin = Aloita
learn-resume = Jatka siitä, mihin jäit
learn-lessons = Oppitunnit
learn-read = Luettu
learn-lesson-of = Oppitunti { $n }
learn-previous = Edellinen oppitunti
learn-done-next = Merkitse luetuksi ja jatka
learn-done-finish = Merkitse luetuksi ja lopeta
lang-en = englanti
lang-fi = suomi
lang-sv = ruotsi
position-cabin_crew = Matkustamohenkilökunta
position-flight_deck = Ohjaamomiehistö
position-ground = Maapalvelu ja portti
position-security = Turvatarkastus ja lentoasemapalvelut
position-public = Yleisö
field-position = Tehtävä
position-saved = Tehtävä tallennettu käyttäjälle { $name }.
error-unknown-position = Valitse matkustamohenkilökunta, ohjaamomiehistö, maapalvelu ja portti tai turvatarkastus ja lentoasemapalvelut.

## Tilannetehtävät
check-title = Tilannetehtävät
check-about = Tehtävät arvotaan satunnaisesti: { $count } tilannetta, joista osa on viattomia tilanteita, jotka vain näyttävät epäilyttäviltä. Läpäiset, kun vähintään { $percent } % vastauksista on oikein; lähetettyäsi näet, miksi kukin vastaus on oikea.
check-start = Aloita tilannetehtävät
check-start-again = Aloita uusi yritys
check-lead = Valitse jokaiseen tilanteeseen paras toimintatapa. Läpäisyyn tarvitaan { $percent } %.
check-submit = Lähetä vastaukset
check-answer-all = Vastaa kaikkiin kysymyksiin ennen lähettämistä (vastaamatta: { $count }).
check-your-attempts = Yrityksesi
check-passed = Hyväksytty
check-not-passed = Ei vielä hyväksytty
check-unfinished = Ei lähetetty
check-result-title = Tuloksesi
check-score = Oikein { $right }/{ $total } ({ $percent } %)
check-need = Tarvitset { $percent } %. Lue alla olevat perustelut ja aloita sitten uusi yritys: siihen arvotaan uudet tilanteet.
check-why = Miksi vastaus on oikea
check-innocent-tag = Viaton tilanne
check-you-right = Vastauksesi:
check-you-wrong = Vastauksesi:
check-right-answer = Parempi:
check-already-submitted-title = Jo lähetetty
check-already-submitted = Tämä yritys on jo lähetetty, eikä sitä voi muuttaa. Aloita uusi yritys, jos haluat yrittää uudelleen.
check-tampered-title = Vastauksia ei hyväksytty
check-tampered = Vastaukset eivät vastaa sinulle annettuja tilanteita, joten mitään ei tallennettu. Avaa tehtävät uudelleen ja vastaa näytettyihin kysymyksiin.

## Todistukset
cert-heading = Todistus suoritetusta koulutuksesta
cert-certifies = Tällä todistetaan, että
cert-completed = on suorittanut kurssin
cert-language = Kieli: { $language }
cert-issued = Myönnetty: { $date }
cert-valid-until = Voimassa: { $date } asti
cert-code = Todistuksen tunnus: { $code }
cert-verify = Tarkista todistus:
cert-footer = Sightline-tietoisuuskoulutus. Yksi tunnusmerkki ei todista mitään: havainnoi, älä puutu itse, ilmoita ohjeen mukaan.
cert-yours = Todistuksesi
cert-download = Lataa todistus (PDF)
cert-verify-link = Tarkistussivu
cert-public-optional = Haluatko todistuksen?
cert-public-help = Vapaaehtoinen. Tarvitsemme vain todistukseen tulostettavan nimen; muuta ei kysytä eikä tallenneta.
cert-public-create = Luo todistukseni
cert-revoke = Peru
cert-revoke-reason = Syy
cert-revoked-done = Todistus { $code } peruttiin.
verify-title = Todistuksen tarkistus
verify-valid = Voimassa: todistus on aito ja voimassa.
verify-expired = Vanhentunut: todistus oli aito, mutta sen voimassaolo on päättynyt.
verify-revoked = Peruttu: todistus ei ole enää voimassa.
verify-unknown = Tällä tunnuksella ei löydy todistusta. Tarkista tunnus ja yritä uudelleen.
verify-course = Kurssi
verify-issued = Myönnetty
verify-valid-until = Voimassa asti

## Koulutuksen seuranta
training-heading = Koulutus
training-summary = Voimassa oleva todistus omaan tehtävään: { $valid } henkilöä; koulutus erääntynyt tai suorittamatta: { $due }.
