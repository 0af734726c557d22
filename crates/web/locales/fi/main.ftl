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
landing-public-heading = Matkustajana liikkeellä?
landing-public-text = Mitä ihmiskauppa on, mitä merkkejä matkustaja voi huomata ja kuka vastaa avunpyyntöihin lentoasemalla, kahdeksalla kielellä ilman tiliä.
landing-public-link = Sivut matkustajille
landing-public-help = Hae apua lentoasemalla
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
meta-description = Sightline auttaa ilmailualan henkilöstöä tunnistamaan mahdollisen ihmiskaupan merkit, ilmoittamaan niistä huomaamattomasti ja välittämään tiedon oikealle viranomaiselle.
home-report-heading = Ilmoita havainnostasi
home-report-text = Tee ilmoitus sekunneissa, myös ilman verkkoyhteyttä lennon aikana. Se välittyy turvallisuuspäivystykseen heti, kun laite on verkossa.
home-report-button = Ilmoita
home-report-mine = Omat ilmoitukset
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
roster-help = CSV-tiedosto, jossa on sarakkeet name, email ja role (sekä valinnaisesti base, employee_id ja position: cabin_crew, flight_deck, ground tai security, joka ratkaisee kurssin). Useat roolit erotetaan toisistaan puolipisteillä. Jos jollakin rivillä on virhe, mitään ei tuoda ja kaikki ongelmat luetellaan. Tuodut henkilöt saavat salasanansa palautuslinkin kautta.
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
cert-heading = Koulutustodistus
cert-certifies = Tällä todistetaan, että
cert-completed = on läpäissyt kurssin tilannetehtävät
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
settings-heading = Tilannekeskuksen asetukset
settings-lead-label = Montako minuuttia ennen aikataulun mukaista laskeutumista näytetään "Ilmoita nyt eteenpäin"
settings-lead-hint = Kokonaisia minuutteja 5–240. Anna kohdemaan viranomaisille riittävästi aikaa ehtiä koneelle. Oletus on 30.
settings-save = Tallenna
settings-saved = Tallennettu. Jono käyttää uutta aikaa heti.
training-summary = Voimassa oleva todistus omaan tehtävään: { $valid } henkilöä; koulutus erääntynyt tai suorittamatta: { $due }.
training-scorm-heading = Paketit oppimisympäristöönne (SCORM 1.2)
training-scorm-lead = Jokainen kurssi yhtenä SCORM 1.2 -pakettina esimerkiksi Moodleen: oppitunnit ja niiden jälkeen tilannetehtävät, jotka ilmoittavat hyväksytyn tai hylätyn tuloksen ja pistemäärän. Lataa paketti uudelleen, kun kurssi muuttuu.
training-scorm-missing = Ei vielä käännetty, viety englanniksi: { $items }

## Ilmoitus (sivun otsikko ja kuvake ovat tarkoituksella neutraaleja)
report-page-title = Muistiinpanot
report-mine = Omat ilmoitukset
report-quick-exit = Poistu
report-chain-title = Havainnoi, älä puutu itse.
report-danger-legend = Ensin
report-immediate-danger = Joku on välittömässä vaarassa
report-disclosed = Henkilö kertoi minulle tai pyysi apua
report-flight-legend = Lento
report-your-role = Tehtäväsi
report-role-cabin_crew = Matkustamohenkilökunta
report-role-flight_deck = Ohjaamomiehistö
report-role-gate = Portti
report-role-check_in = Lähtöselvitys
report-role-security = Turvatarkastus
report-role-other = Muu
report-phase = Milloin
report-phase-check_in = Lähtöselvitys
report-phase-boarding = Koneeseennousu
report-phase-in_flight = Lennon aikana
report-phase-arrival = Saapuminen
report-phase-other = Muu
report-flight = Lento
report-flight-id = Lennon numero, kutsutunnus tai rekisteritunnus
report-flight-help = Esimerkiksi AY123, FIN5, N123AB tai OH-LVA.
report-date = Päivämäärä
report-departure-date = Päivämäärä (lähtö)
report-where = Missä
report-where-flight = Lennolla tai lentoon liittyen
report-where-terminal = Terminaalissa, ei lentoa
report-airport = Lentoasema (koodi)
report-place = Missä terminaalissa
report-place-help = Esimerkiksi: portti 22, turvatarkastuslinja 3, tuloaula.
report-arrival-date = Saapumispäivä (paikallinen)
report-guard = Kuvaile käytöstä ja vaatetusta, älä alkuperää. Sanat etnisyydestä, ihonväristä, uskonnosta tai kansallisuudesta eivät auta viranomaisia löytämään henkilöä ja voivat johtaa vääriin pysäytyksiin. Voit silti lähettää.
report-fix = Avaa ja korjaa
report-fix-lead = Palvelin ei hyväksynyt ilmoitusta. Korjaa merkitty kenttä ja lähetä uudelleen; viite pysyy samana.
report-fix-first = Korjaa merkityt kentät. Mitään ei ole vielä lähetetty eikä näytetty kapteenille.
report-flagged = Tallennettu ongelman kanssa; valvomo tarkistaa
desk-flags = Ilmoituksen ongelmat
desk-flag-kept = Ilmoitus oli kiireellinen, joten se tallennettiin silti: jokainen yllä oleva arvo on tallennettu ilmoittajan kirjoittamana (tai jätetty pois). Tarkista se ilmoittajalta tai miehistöltä.
report-origin = Mistä (lentoaseman koodi)
report-destination = Minne (lentoaseman koodi)
report-arrival = Aikataulun mukainen saapuminen (paikallista aikaa)
report-seats = Istumapaikat
report-signs-legend = Mitä huomasit
report-signs-help = Merkitse vain se, mitä näit tai kuulit. Jokaiselle merkille on viattomia selityksiä; avaa ne ja punnitse niitä.
report-core-four = Neljä keskeistä tunnusmerkkiä
report-innocent-heading = Punnittavat viattomat selitykset
report-people-legend = Henkilöt
report-people-help = Vain neutraalit kuvaukset: ikäryhmä, sukupuoli sellaisena kuin sen havaitsit, vaatetus. Ei koskaan etnistä taustaa tai ulkonäköä.
report-potential-victims = Mahdolliset uhrit
report-companions = Matkaseuralaiset
report-describe-victim = Mahdollinen uhri
report-describe-companion = Matkaseuralainen
report-age = Ikäryhmä
report-age-child = Lapsi (alle 13)
report-age-teen = Nuori
report-age-young_adult = Nuori aikuinen
report-age-adult = Aikuinen
report-age-older = Iäkkäämpi aikuinen
report-age-unknown = En ole varma
report-gender = Sukupuoli havaintosi mukaan
report-gender-female = Nainen
report-gender-male = Mies
report-gender-other = Muu
report-gender-unknown = En ole varma
report-clothing = Vaatetus tai muu neutraali tuntomerkki
report-companion-aware = Onko mahdollista, että matkaseuralainen huomasi huolesi?
report-aware-no = Ei
report-aware-yes = Kyllä
report-aware-unknown = En ole varma
report-free-text = Mitä tapahtui (tosiasiat: kellonajat, kuullut sanat)
report-free-text-help = Enintään 2000 merkkiä. Tallennetaan salattuna.
report-decision-heading = Ennen lähettämistä
report-review-none = Yhtään merkkiä ei ole vielä valittu.
report-considered = Olen punninnut viattomia selityksiä, enkä puutu tilanteeseen itse.
report-send = Tallenna ja lähetä
report-relay-heading = Viesti kapteenille
report-relay-help = Anna tämä kapteenille (tai matkustamon esimiehelle) välitettäväksi. Se mahtuu yhteen ACARS-viestiin.
report-relay-copy = Kopioi viesti
report-relay-copied = Kopioitu.
report-new = Uusi ilmoitus
report-saved-title = Ilmoitus tallennettu
report-saved-text = Ilmoituksesi { $reference } on tallennettu. Turvallisuuskeskus käy läpi jokaisen ilmoituksen.
report-gate-not-passed = Yksi merkki ei yksinään todista mitään. Turvallisuuskeskus arvioi ilmoituksen ennen kuin mitään lähtee organisaatiosi ulkopuolelle.
report-mine-lead = Jokainen ilmoitus käydään läpi, vaikka lopputulosta ei voitaisi kertoa sinulle.
report-mine-none = Ei vielä ilmoituksia.
report-reference = Tunnus
report-received = Vastaanotettu
report-route = Reitti
report-status = Tila
report-status-received = Vastaanotettu
report-status-being_handled = Käsittelyssä
report-status-handed_to_authorities = Luovutettu eteenpäin
report-status-closed = Suljettu
guidance-never = Älä puutu tilanteeseen, älä anna mahdollisen ihmiskauppiaan huomata mitään äläkä yritä pelastaa ketään itse.
guidance-in-flight = Lennon aikana: kerro matkustamon esimiehelle ja kapteenille sanoin "Suspected human trafficking" (epäilty ihmiskauppa) ja anna kapteenille alla oleva viesti.
guidance-flight-deck = Ohjaamo: välitä viesti operatiiviseen keskukseen menettelyohjeidesi mukaan, jotta määränpään viranomaiset voivat olla koneella vastassa.
guidance-ground = Maassa: kerro esihenkilöllesi ja lentoaseman poliisille. Jos henkilö on jo noussut koneeseen, varmista, että miehistö tai operatiivinen keskus tietää.
guidance-urgent-air = Välitön vaara: kerro kapteenille nyt.
guidance-urgent-ground = Välitön vaara: soita hätänumeroon nyt (112 EU:ssa, 911 Yhdysvalloissa).
outbox-heading = Lähtevät
outbox-send-now = Lähetä nyt
outbox-queued = Odottaa lähetystä
outbox-sent = Lähetetty
outbox-attention = Vaatii huomiota
outbox-offline = Ei yhteyttä. Ilmoitukset pysyvät tällä laitteella ja lähetetään automaattisesti.
outbox-sign-in = Istuntosi on päättynyt. Kirjaudu uudelleen; odottavat ilmoitukset lähetetään silloin.
outbox-conflict = Tällä tunnuksella on jo eri ilmoitus. Ilmoitus säilytettiin tällä laitteella.
outbox-invalid = Palvelin ei hyväksynyt ilmoitusta. Se säilytettiin tällä laitteella.
error-assumed-utc = Määränpäätä ei tunneta, joten saapumisaika luettiin UTC-aikana.
error-invalid-codeword = Käytä 3–40 isoa kirjainta, numeroa ja välilyöntiä; ensimmäinen merkki on kirjain.
error-invalid-flight = Anna lennon numero (AY123), ICAO-kutsutunnus (FIN5) tai rekisteritunnus (N123AB, OH-LVA).
error-invalid-airport = Anna kolmikirjaiminen lentoaseman koodi, esimerkiksi HEL.
error-unknown-airport = Millään lentoasemalla ei ole tätä koodia.
error-invalid-date = Anna päivämäärä muodossa VVVV-KK-PP.
error-invalid-time = Anna kellonaika muodossa HH:MM.
error-invalid-timestamp = Anna aika RFC 3339 -muodossa, esimerkiksi 2026-11-28T09:00:00Z.
error-invalid-seat = Anna istumapaikat muodossa 23A välilyönnein erotettuina.
error-out-of-range = Anna luku sallitulta väliltä.
error-too-many = Liian monta merkintää.
error-unknown-indicator = Tuntematon merkki.
error-nothing-reported = Valitse vähintään yksi merkki tai kuvaa, mitä tapahtui.
error-must-confirm = Vahvista, että olet punninnut viattomia selityksiä.
error-unknown-value = Valitse jokin vaihtoehdoista.
error-invalid-id = Ilmoituksen tunnus ei kelpaa.

## Turvallisuuskeskus
nav-desk = Keskus
desk-title = Turvallisuuskeskus
desk-lead = Organisaatiosi ilmoitukset kiireellisimmät ensin. Luettelo päivittyy itsestään.
desk-live-on = Reaaliaikainen: uudet ilmoitukset näkyvät heti saapuessaan.
desk-live-offline = Yhteys katkesi; yhdistetään uudelleen…
desk-live-polling = Reaaliaikaiset päivitykset eivät ole käytettävissä; luettelo päivitetään 30 sekunnin välein.
desk-live-sign-in = Istuntosi on päättynyt. Kirjaudu uudelleen nähdäksesi uudet ilmoitukset.
desk-open = Avoimet tapaukset
desk-filter = Suodata
desk-compliance = Lataa ilmoituskirjanpito (CSV, Yhdysvaltain tilivuosi)
desk-urgency = Kiireellisyys
desk-landing = Laskeutumiseen
desk-age = Vastaanotettu
desk-danger = Välitön vaara
desk-escalate-now = Ilmoita nyt eteenpäin
desk-escalation-lead = "Ilmoita nyt eteenpäin" näkyy { $minutes } minuuttia ennen aikataulun mukaista laskeutumista (organisaatiosi asetus).
desk-gate-not-passed = Kynnys ei ylittynyt
desk-unacknowledged = Kuittaamatta
desk-mine = (sinun)
desk-empty = Ei avoimia ilmoituksia.
desk-case = Tapaus
desk-core = keskeinen merkki
desk-persons = Mahdolliset uhrit + seuralaiset
case-status-received = Vastaanotettu
case-status-acknowledged = Kuitattu
case-status-escalated = Ilmoitettu eteenpäin
case-status-handed_over = Luovutettu
case-status-closed = Suljettu
case-outcome-met_on_arrival = Viranomaiset olivat vastassa
case-outcome-referred_to_ngo = Ohjattu järjestölle
case-outcome-no_action_innocent = Ei toimenpiteitä: viaton selitys
case-outcome-insufficient_information = Tiedot eivät riittäneet
case-outcome-other = Muu
case-gate-not-passed-help = Ilmoitus ei ylittänyt päätöskynnystä (yksi merkki ei todista mitään). Eteenpäin ilmoittaminen vaatii kirjatun perustelun.
case-escalate = Ilmoita viranomaisille
case-escalate-help = Yhteystiedot tulevat yhteystietohakemistosta: lähtökentälle, jos ilmoitus tehtiin ennen lähtöä, muuten määränpäähän. Soita tai kirjoita alla olevalla viestillä ja kirjaa sitten, keneen otit yhteyttä ja heidän viitteensä.
case-authority-message = Viesti viranomaiselle
case-contact = Yhteystaho
case-stale = Tarkistamatta yli 12 kuukautta
case-verified = tarkistettu
case-source = lähde
case-no-contacts = Tälle kentälle tai maalle ei ole tarkistettua yhteystietoa. Toimi operatiivisen keskuksen ohjeen mukaan.
case-method = Miten
case-method-phone = Puhelin
case-method-email = Sähköposti
case-method-radio = Radio / lennonjohto
case-method-in_person = Henkilökohtaisesti
case-their-reference = Heidän viitteensä
case-gate-override = Miksi ilmoitat eteenpäin, vaikka päätöskynnys ei ylittynyt
case-record-contact = Kirjaa yhteydenotto
case-workflow = Käsittely
case-move-to = Siirrä tilaan
case-outcome = Lopputulos (suljettaessa)
case-reason = Perustelu (tarvitaan palattaessa taaksepäin)
case-assigned = Vastuuhenkilö
case-assign = Aseta
case-history = Historia
case-add-note = Lisää muistiinpano
case-event-assigned = Vastuuhenkilöksi { $name }
case-event-contact = Yhteydenotto
case-event-note = Muistiinpano
error-changed-meanwhile = Joku muu muutti tapausta sillä välin. Sivulla on uusin versio; tarkista se ja yritä uudelleen.
error-reason-required = Anna perustelu.
error-outcome-required = Valitse lopputulos tapauksen sulkemiseksi.
error-no-change = Valitse toinen tila.
case-same-event = Mahdollisesti sama tapahtuma
case-merge = Yhdistä tähän tapaukseen
case-not-same = Ei sama tapahtuma
case-merged-here = Yhdistetty tähän tapaukseen:
case-event-merged = Ilmoitus { $reference } yhdistettiin tähän tapaukseen

# Routing directory
nav-directory = Yhteystiedot
directory-title = Ohjaushakemisto
directory-lead = Keneen päivystys ottaa yhteyttä määränpäässä, maittain ja lentoasemittain. Jokaisessa merkinnässä on lähde, josta se tarkistettiin, ja milloin. Yli 12 kuukautta tarkistamatta olleet merkinnät on merkitty: tarkista ne lähteestä ennen kuin luotat niihin.
directory-summary = { $total } merkintää; { $stale } tarkistamatta yli 12 kuukautta.
directory-add = Lisää merkintä
directory-country = Maa
directory-country-hint = Kaksikirjaiminen maakoodi (FI, US), EU kaikille EU-maille tai INT kansainväliselle linjalle.
directory-stale-only = Vain uudelleen tarkistettavat
directory-where = Missä
directory-organisation = Organisaatio
directory-reach = Yhteystavat
directory-checked = Tarkistettu
directory-edit = Muokkaa
directory-changed = muutettu
directory-none = Ei vielä mitään.
directory-recent = Viimeisimmät muutokset
directory-change-seeded = sisältötiedostosta
directory-change-created = lisätty
directory-change-updated = muutettu
directory-change-removed = poistettu
directory-change-restored = palautettu
directory-content-file = sisältötiedosto
directory-edit-heading = Muokkaa merkintää
directory-saved = Tallennettu. Päivystys näkee uudet tiedot heti; edellinen versio säilyy alla.
directory-removed-note = Tämä merkintä on poistettu eikä sitä enää tarjota päivystykselle. Sen historia säilyy.
directory-stale-note = Tätä merkintää ei ole tarkistettu yli 12 kuukauteen. Tarkista se lähteestä, korjaa tarvittaessa ja merkitse tarkistuspäivä.
directory-rules = Lisää vain yhteystietoja, jotka olet tänään tarkistanut virallisesta lähteestä, ja linkitä lähde. Älä koskaan kopioi numeroa muistista tai epävirallisesta listasta.
directory-airport = Lentoasema (valinnainen)
directory-airport-hint = Kolmikirjaiminen IATA-koodi, vain jos yhteystieto palvelee yhtä lentoasemaa.
directory-kind = Tyyppi
directory-phone = Puhelin (kansainvälinen muoto)
directory-email = Sähköposti
directory-hours = Aukioloajat
directory-languages = Kielet
directory-languages-hint = Kielikoodit pilkuin erotettuina, esimerkiksi fi, sv, en.
directory-source = Lähde
directory-source-hint = Virallinen sivu, jolta tarkistit tiedot (https://…).
directory-last-verified = Tarkistettu
directory-last-verified-hint = Päivä, jona viimeksi tarkistit tiedot lähteestä.
directory-save = Tallenna muutokset
directory-remove = Poista merkintä
directory-remove-reason = Miksi se poistetaan (säilyy historiassa)
directory-history = Historia
directory-version = Versio { $version }
contact-kind-police = Poliisi
contact-kind-border_guard = Rajavartiolaitos
contact-kind-national_hotline = Kansallinen neuvontapuhelin
contact-kind-victim_assistance = Uhrien auttaminen
contact-kind-emergency = Hätänumero
contact-kind-airport_police = Lentoaseman poliisi
contact-kind-border_police = Rajapoliisi
error-not-e164 = Anna numero kansainvälisessä muodossa: + ja maatunnus, sitten numero (esimerkiksi +358 2954 63177). Lyhytnumerot, kuten 112, kuuluvat kenttään "Numero maan sisällä".
error-needs-phone = Ulkomailta voi soittaa vain kansainvälisessä muodossa olevaan numeroon: täytä puhelinnumero tai poista valinta.
directory-local-number = Numero maan sisällä (valinnainen)
directory-local-number-hint = Kuten maan sisällä soitetaan: lyhytnumerot, joilla ei ole kansainvälistä muotoa (112, 1547), tai kotimainen muoto.
directory-local-short = Maan sisällä:
directory-phone-hint = Kansainvälinen muoto: + ja maatunnus, sitten numero.
directory-abroad = Soitettavissa ulkomailta
directory-abroad-yes = soitettavissa ulkomailta
directory-abroad-no = ei ulkomailta
directory-public = Julkinen: näytetään matkustajien apusivuilla
directory-public-hint = Vain numerot, joihin yleisö voi soittaa itse (hätänumerot, ympärivuorokautiset linjat mahdollisille uhreille ja havaintojen tekijöille). Vaatii puhelinnumeron.
directory-public-yes = julkinen
error-public-needs-number = Julkisella linjalla on oltava puhelinnumero tai paikallinen numero.
directory-hours-hint = Kirjoita 24/7, kun linja vastaa ympäri vuorokauden; muuten aukioloajat lähteen mukaan. Jätä tyhjäksi, jos lähde ei kerro.
directory-hours-not-stated = Lähde ei kerro aukioloaikoja
directory-notes = Huomiot päivystäjälle
directory-languages-over = Kieliä (yli)
directory-languages-over-hint = Kun lähde sanoo "yli N kieltä" (tulkkien kautta): luku N.
directory-languages-count = { $count }+ kieltä
case-routed-origin = Yhteystiedot lähtökentälle, { $place }: ilmoitus tehtiin ennen lähtöä.
case-routed-destination = Yhteystiedot määränpäähän, { $place }.
case-routed-urgent = Välitön vaara: ympäri vuorokauden vastaavat puhelinlinjat ensin.
case-no-airport-line = Kentän { $airport } poliisin tai rajapoliisin päivystysnumeroa ei ole voitu varmistaa. Pyydä ensimmäistä alla olevaa linjaa tavoittamaan kentän poliisi.
case-no-international-24-7 = Maalle { $country } ei ole voitu varmistaa ympäri vuorokauden vastaavaa numeroa kansainvälisessä muodossa. Alla olevat numerot voivat toimia vain maan sisällä tai vastata vain osan aikaa.
error-directory-changed-meanwhile = Joku muu muutti tätä merkintää sillä välin. Muutos näkyy alla historiassa; syöttämäsi tiedot säilyivät. Tarkista ja tallenna uudelleen.
error-invalid-country = Anna kaksikirjaiminen maakoodi, kuten FI, tai EU.
error-phone-or-email = Anna puhelinnumero tai sähköpostiosoite.
error-invalid-phone = Käytä numerossa vain numeroita, välilyöntejä, +, - tai sulkeita.
error-invalid-languages = Anna kaksi- tai kolmikirjaimiset kielikoodit pilkuin erotettuina.
error-source-link = Linkitä virallinen lähde, joka alkaa https://.
error-date-in-future = Päivä ei voi olla tulevaisuudessa.

# Desk alerts, in the organisation's settings
settings-lead-heading = Eteenpäin ilmoittamisen aika
settings-codeword-heading = Välitysviestin koodisana
settings-codeword-label = Kapteenin välitysviestin ensimmäinen sana
settings-codeword-hint = Huomaamaton yhtiön koodisana, jonka maa-asemanne tuntevat, tekstin SUSPECTED HUMAN TRAFFICKING tilalle datalinkissä, jota muutkin voivat lukea. Isot kirjaimet, numerot ja välilyönnit; tyhjä = oletus.
settings-codeword-saved = Koodisana tallennettiin. Uudet ilmoitukset käyttävät sitä.
settings-alerts-heading = Hälytykset päivystävälle tilannekeskukselle
settings-alerts-lead = Kun ilmoitus saapuu, ja uudelleen jos sitä ei kuitata 5 minuutissa, Sightline hälyttää tilannekeskuksen. Hälytyksessä on vain lento, reitti, viite, kiireellisyys ja aika laskeutumiseen, ei koskaan kuvauksia eikä ilmoituksen tekstiä.
settings-email-label = Hälytysten sähköpostiosoite
settings-email-hint = Yhteinen päivystyspostilaatikko on paras. Jätä tyhjäksi lopettaaksesi sähköpostihälytykset.
settings-no-smtp = Tälle palvelimelle ei ole vielä määritetty postipalvelinta, joten sähköpostihälytykset odottavat, kunnes ylläpito määrittää sen.
settings-email-saved = Tallennettu. Hälytykset lähetetään tähän osoitteeseen tästä lähtien.
settings-email-stopped = Sähköpostihälytykset on lopetettu.
settings-webhook-heading = Webhook omaan päivystysjärjestelmään
settings-webhook-label = Webhook-osoite
settings-webhook-hint = Sightline lähettää tähän allekirjoitetun JSON-viestin (https:// suositeltu). Tallennus luo uuden allekirjoitusavaimen.
settings-webhook-replace = Tallenna uudella avaimella
settings-webhook-stop = Lopeta webhook
settings-webhook-saved = Tallennettu. Webhook saa hälytykset tästä lähtien.
settings-webhook-stopped = Webhook on lopetettu.
settings-secret-once = Kopioi tämä allekirjoitusavain nyt. Se näytetään vain kerran.
settings-secret-how = Järjestelmäsi tarkistaa X-Sightline-Signature-otsakkeen (viestin HMAC-SHA256 tällä avaimella) varmistaakseen, että viesti tuli Sightlinelta.
error-invalid-url = Anna osoite, joka alkaa https:// (ilman käyttäjänimeä tai salasanaa).
error-private-address = Osoite on yksityisessä verkossa tai tällä koneella. Käytä päivystysjärjestelmän julkista https-osoitetta tai pyydä ylläpitoa sallimaan yksityiset osoitteet.
settings-referral-heading = Ohjaukset omaan järjestelmäänne
settings-referral-lead = Kun tilannekeskus ohjaa tapauksen organisaatiollenne tai kirjoittaa teille ohjauksessa, Sightline voi kertoa siitä heti asianhallintajärjestelmällenne allekirjoitetulla viestillä. Viestissä on vain ohjauksen tunniste, tapauksen viite, tila ja linkki; järjestelmänne lukee ohjauksen jonkun työntekijänne API-avaimella (oikeus "referrals").
settings-referral-hint = Järjestelmänne https-osoite. Tallennus luo uuden allekirjoitusavaimen.
settings-referral-secret-how = Järjestelmänne tarkistaa X-Sightline-Signature-otsakkeen: HMAC-SHA256 tällä avaimella X-Sightline-Timestamp-arvosta, pisteestä ja viestin rungosta.
settings-referral-webhook-saved = Tallennettu. Järjestelmänne saa tiedon ohjauksista tästä lähtien.
settings-referral-webhook-stopped = Ohjausten webhook on lopetettu. Toimittamattomat viestit odottavat, kunnes asetatte uuden.
settings-referral-counts = Toimitettu: { $sent }. Odottaa tai yritetään uudelleen: { $pending }. Luovuttu: { $dead }.
settings-dead-letters-heading = Viestit, joita järjestelmänne ei ottanut vastaan
settings-dead-letters-none = Ei yhtään. Jokainen viesti on toimitettu tai sitä yritetään yhä.
settings-dead-letters-lead = Näitä yritettiin 8 kertaa noin kahden tunnin aikana ilman 2xx-vastausta. Kun järjestelmänne toimii taas, lähettäkää ne uudelleen: kukin säilyttää X-Sightline-Delivery-tunnisteensa, joten järjestelmänne voi ohittaa jo saamansa.
settings-dead-letter-case = Tapaus
settings-dead-letter-given-up = Luovuttu
settings-dead-letter-error = Viimeisin vastaus
settings-dead-letter-attempts = { $n } yritystä
settings-dead-letter-retry = Lähetä uudelleen
settings-delivery-retried = Se lähetetään uudelleen minuutin kuluessa.
error-https-required = Anna osoite, joka alkaa https://.
directory-show-removed = Poistetut merkinnät
directory-show-in-use = Käytössä olevat merkinnät
directory-removed-heading = Poistetut merkinnät
directory-restore = Palauta merkintä käyttöön
directory-restore-reason = Miksi se palautetaan (säilyy historiassa)

# E-mails with links (invitation, first password, reset)
invite-send-email = Lähetä linkki sähköpostilla
invite-link-emailed = Kutsu osoitteelle { $email } lähtee sähköpostilla minuutin kuluessa (voimassa { $days } vrk). Sama linkki tarvittaessa:
reset-link-emailed = Salasanan palautuslinkki osoitteelle { $email } lähtee sähköpostilla minuutin kuluessa (voimassa { $hours } h). Sama linkki tarvittaessa:
users-reset-email = Lähetä palautuslinkki sähköpostilla
roster-send-email = Lähetä jokaiselle sähköpostilla linkki salasanan asettamiseen (voimassa 7 vrk)
roster-imported-emailed = Tuotuja henkilöitä: { $count }. Jokainen saa sähköpostilla linkin salasanan asettamiseen.
mail-not-configured = Jotta linkit voi lähettää sähköpostilla, ylläpito määrittää postipalvelimen (serve --smtp-url). Siihen asti kopioi linkki ja lähetä se itse.
mails-heading = Sightlinen lähettämät sähköpostit
mails-help = Henkilöillenne lähetetyt linkit. Odottavia viestejä yritetään uudelleen niin kauan kuin linkki on voimassa; jos viesti ei mene perille, tee uusi linkki ja välitä se muuta kautta.
mails-what = Mikä
mails-queued = Jonoon
mails-sent = Lähetetty
mails-waiting = Odottaa
mails-failed = Ei toimitettu
mails-kind-invitation = Kutsu
mails-kind-welcome = Ensimmäinen salasana
mails-kind-reset = Salasanan palautus
mail-footer = Sightline auttaa ilmailualan henkilöstöä tunnistamaan mahdollisen ihmiskaupan ja ilmoittamaan siitä turvallisesti. Tämä on automaattinen viesti; vastauksia ei lueta.
mail-invitation-subject = { $org } kutsuu sinut Sightlineen
mail-invitation-body =
    Hei { $name },

    { $org } on kutsunut sinut Sightlineen, jossa ilmailualan henkilöstö oppii tunnistamaan mahdollisen ihmiskaupan merkkejä ja ilmoittamaan havainnoistaan turvallisesti ja huomaamattomasti.

    Avaa tämä linkki luodaksesi tilisi. Se toimii kerran, { $until } asti:
    { $url }

    Jos et odottanut tätä viestiä, voit jättää sen huomiotta: mitään ei tapahdu ilman linkkiä.
mail-welcome-subject = Sightline-tilisi organisaatiossa { $org }
mail-welcome-body =
    Hei { $name },

    { $org } on luonut sinulle Sightline-tilin. Sightlinessa ilmailualan henkilöstö oppii tunnistamaan mahdollisen ihmiskaupan merkkejä ja ilmoittamaan havainnoistaan turvallisesti ja huomaamattomasti.

    Avaa tämä linkki valitaksesi salasanasi. Se toimii kerran, { $until } asti:
    { $url }

    Jos linkki on vanhentunut, pyydä Sightline-ylläpitäjältäsi uusi.
mail-reset-subject = Aseta uusi Sightline-salasana
mail-reset-body =
    Hei { $name },

    Organisaation { $org } ylläpitäjä on tehnyt sinulle linkin uuden Sightline-salasanan asettamiseen. Se toimii kerran, { $until } asti:
    { $url }

    Jos et pyytänyt tätä, kerro ylläpitäjällesi. Nykyinen salasanasi toimii, kunnes linkkiä käytetään.
mails-kind-reminder = Todistuksen muistutus
mail-reminder-subject = Sightline-todistuksesi vanhenee pian: { $course }
mail-reminder-body =
    Hei { $name },

    Sightline-todistuksesi kurssista "{ $course }" ({ $org }) on voimassa { $until } asti. Koulutus uusitaan vuosittain: käy kurssi uudelleen läpi ja suorita sen tarkistus ennen sitä.

    Avaa kurssi:
    { $url }

    Jos olet jo uusinut sen, voit jättää tämän viestin huomiotta.

# API tokens
tokens-heading = API-avaimet
tokens-lead = Avaimella ohjelma voi toimia puolestasi: viiteasiakas (sightline report submit) tai tilannekeskuksenne omat järjestelmät. Pidä avain salassa kuten salasana, anna jokaiselle ohjelmalle oma avaimensa ja peru ne, joita et enää käytä.
tokens-made = Kopioi tämä avain nyt. Se näytetään vain kerran.
tokens-how = Lähetä se otsakkeena "Authorization: Bearer <avain>" rajapintaan /api/v1 (kuvaus osoitteessa /api/v1/openapi.json).
tokens-name = Nimi
tokens-name-hint = Mihin se on tarkoitettu, esimerkiksi "päivystysjärjestelmä" tai "ilmoitustabletti".
tokens-created = Luotu
tokens-expires = Vanhenee
tokens-revoke = Peru
tokens-none = Ei vielä avaimia.
tokens-new = Luo avain
tokens-lifetime = Voimassa
tokens-days = { $days } vrk
tokens-create = Luo avain
tokens-state-active = Voimassa
tokens-state-expired = Vanhentunut
tokens-state-revoked = Peruttu
tokens-scopes = Oikeudet
tokens-scopes-hint = Mitä avaimella saa tehdä. Valitse vain se, mitä ohjelma tarvitsee; avain ei voi koskaan tehdä enempää kuin roolisi sallivat.
tokens-scope-reports-write = lähettää miehistön ilmoituksia
tokens-scope-read = lukea (kuka olet, yhteystietohakemisto, organisaatiosi henkilöt, jos ylläpidät sitä)
tokens-scope-admin = ylläpitää (luoda organisaatioita ja henkilöitä roolisi sallimissa rajoissa)
error-scope-not-allowed = Roolisi eivät salli tätä oikeutta.
error-unknown-scope = Tuntematon oikeus. Käytä arvoa reports:write, read tai admin.
case-contact-other = Muu viranomainen hakemistosta (esimerkiksi lähtömaan, jos kone kääntyy takaisin)

## Tilastot (/stats, /orgs/{org}/stats)
stats-heading = Tilastot
stats-lead = Kuinka monta ihmistä Sightline on kouluttanut ja kuinka monta ilmoitusta mahdollisesta ihmiskaupasta se on vastaanottanut, laskettuna niin, ettei ketään henkilöä tai tapausta voi tunnistaa.
stats-hidden-note = ”piilotettu”: alle { $k }, tai suurempi luku, joka on piilotettu, jotta alle { $k }:n lukua ei voi päätellä summista. Nolla tarkoittaa, ettei yhtään.
stats-period = { $from } – { $to } (kuukaudet UTC-ajassa)
stats-csv = Lataa taulukot (CSV)
stats-total = Yhteensä
stats-hidden = piilotettu
stats-language = Kieli
stats-nav-public = Matkustajille
stats-chart-see-table = Samat luvut ovat kaavion alla olevassa taulukossa.
stats-escalated = Eskaloitu
stats-not-escalated = Ei eskaloitu
stats-series-reports = Ilmoitukset
stats-series-people = Koulutetut
stats-role-unspecified = Tehtävää ei asetettu
stats-training-month-heading = Koulutetut kuukausittain
stats-training-month-about = Myönnetyt ja voimassa olevat (ei peruutetut) todistukset kuukauden ja kurssin mukaan.
stats-training-month-corner = Kuukausi
stats-training-role-heading = Koulutetut kurssin ja tehtävän mukaan
stats-training-role-about = Samat todistukset haltijan tehtävän mukaan todistuksen myöntöhetkellä. Yleisökurssin suorittajat lasketaan yleisöksi.
stats-training-role-corner = Kurssi
stats-reports-month-heading = Ilmoitukset ja eskaloinnit kuukausittain
stats-reports-month-about = Kunakin kuukautena vastaanotetut ilmoitukset ja kuinka monta niistä turvallisuuspäivystys eskaloi viranomaisille.
stats-reports-month-corner = Kuukausi
stats-reports-route-heading = Ilmoitukset reitin alueen mukaan
stats-reports-route-about = Lähtö- ja saapumiskentän alueet (YK:n M49-alueet). Terminaalitapahtumat ja vihjeet lasketaan niiden kentälle.
stats-reports-route-corner = Reitti
stats-reports-sign-heading = Ilmoitukset merkin mukaan
stats-reports-sign-about = Ilmoitus, jossa on useita merkkejä, lasketaan jokaisen kohdalle. Merkki ei koskaan ole todiste.
stats-reports-sign-corner = Merkki
stats-referrals-heading = Ohjaukset ja tulokset kuukausittain
stats-referrals-about = Ohjaukset kumppanijärjestöille tekokuukauden mukaan ja missä kukin on nyt: hyväksytty, hyväksytty ja tuki kirjattu, hylätty tai odottaa vastausta.
stats-referrals-corner = Kuukausi
stats-course = Kurssi: { $audience }
stats-chart-top = Kaaviossa on { $n } suurinta; taulukossa ovat kaikki.
stats-empty = Näiltä kuukausilta ei ole vielä mitään laskettavaa.

## Referrals (issue 13)
role-caseworker = Asiakastyöntekijä
nav-referrals = Ohjaukset
home-referrals-text = Lentoyhtiöiden ja lentoasemien tilannekeskukset ohjaavat tapauksia organisaatiollenne tässä. Kuittaa ohjaus luettuasi sen, hyväksy tai hylkää se ja kirjaa annettu tuki.
case-refer = Ohjaa kumppanille
case-refer-help = Ohjaus siirtää tapauksen tukiorganisaatiolle tai viranomaiselle vain sillä tiedolla, jota vastaanottaja tarvitsee. Jos kysyminen on turvallista, kysy ensin mahdolliselta uhrilta, suostuuko hän. Jos hän kieltäytyy, mitään häntä yksilöivää ei välitetä.
case-refer-recipient = Kumppani
case-refer-in-sightline = Kumppanit Sightlinessa
case-refer-outside = Sightlinen ulkopuolella (hakemiston yhteystiedot tälle tapaukselle)
case-refer-consent = Henkilön suostumus
case-refer-details = Lisätiedot kumppanille (valinnainen)
case-refer-submit = Ohjaa
case-referrals = Tapauksen ohjaukset
consent-given = Annettu: henkilö suostui ohjaukseen
consent-not_asked_urgent = Ei kysytty: tilanne oli kiireellinen
consent-refused = Kieltäytyi: älä välitä mitään henkilöä yksilöivää
consent-short-given = Annettu
consent-short-not_asked_urgent = Ei kysytty (kiire)
consent-short-refused = Kieltäytyi
lawful-basis-consent = Suostumus (6 art. 1 a)
lawful-basis-legal_obligation = Lakisääteinen velvoite (6 art. 1 c)
lawful-basis-vital_interests = Elintärkeä etu (6 art. 1 d)
lawful-basis-public_task = Yleisen edun mukainen tehtävä (6 art. 1 e)
lawful-basis-legitimate_interests = Oikeutettu etu (6 art. 1 f)
referral-reason-additional_services_required = Henkilö tarvitsee tukipalveluja
referral-reason-migration_or_change_of_location = Henkilö jatkaa matkaa tai vaihtaa paikkaa
referral-reason-other = Muu
profile-law_enforcement = Viranomaiselle: lento, istuimet ja neutraalit kuvaukset henkilön löytämiseksi
profile-ngo = Tukiorganisaatiolle: ei istuimia, vaatetusta eikä ilmoittajan roolia
referral-status-sent = Lähetetty
referral-status-acknowledged = Kuitattu
referral-status-accepted = Hyväksytty
referral-status-declined = Hylätty
referral-overdue = Ei kuitattu ajoissa
support-shelter = Turvapaikka
support-legal_aid = Oikeusapu
support-medical = Terveydenhoito
support-return_home = Paluu kotiin
support-handed_to_police = Luovutettu poliisille
support-declined_by_person = Henkilö kieltäytyi tuesta
desk-waiting-referrals = Kukaan ei ole kuitannut näitä ohjauksia { $hours } tunnin kuluessa. Tavoita kumppani muuta kautta.
referral-title = Ohjaus
referral-to = Kumppani
referral-case = Tapaus
referral-status = Tila
referral-terms = Miten ohjattiin
referral-consent = Suostumus
referral-basis = Oikeusperuste (tietosuoja-asetus 6 art. 1)
referral-reason = Syy
referral-profile = Mitä jaetaan
referral-made = Ohjattu
referral-acknowledged-at = Kuitattu
referral-decided-at = Päätetty
referral-support = Annettu tuki
referral-shared = Mitä ohjaus jakaa (HTCDS-kenttien nimet)
referral-shared-help = Koskee mahdollista uhria: henkilöstö havaitsi nämä merkit, eivätkä merkit yksin todista mitään. Kontrollikeinot on johdettu merkeistä.
referral-download-json = Lataa HTCDS JSON
referral-download-csv = Lataa HTCDS CSV
referral-acknowledge = Kuittaa
referral-accept = Hyväksy
referral-decline = Hylkää
referral-decline-reason = Jos hylkäät, kerro miksi
referral-record-support = Kirjaa annettu tuki
referral-thread = Viestit toisen osapuolen kanssa
referral-no-messages = Ei vielä viestejä.
referral-message = Viesti
referral-send = Lähetä
referral-from-partner = Kumppani
referral-from-desk = Ohjaava tilannekeskus
referral-partner-help = Älä koskaan kohtaa epäiltyä ihmiskauppiasta äläkä yritä pelastusta itse; toimi viranomaisten kanssa. Kuittaa ohjaus luettuasi sen ja hyväksy se, kun otatte henkilön vastuullenne.
referrals-title = Organisaationne ohjaukset
referrals-empty = Ei vielä ohjauksia.
referrals-received = Vastaanotettu
error-consent-not-given = Suostumus oikeusperusteena edellyttää henkilön antamaa suostumusta.
error-not-for-recipient = Tälle vastaanottajalle ei voi lähettää tätä profiilia: tukiorganisaatio saa vain oman profiilinsa.
error-not-a-partner = Vain kansalaisjärjestöt ja viranomaiset vastaanottavat ohjauksia: valitse kumppaniorganisaatio tai hakemiston yhteystieto.
error-not-allowed = Tämä vaihe ei ole nyt mahdollinen.
## Kumppanisivut (issue 13, kohta 5)
partners-heading = Kumppanit
partners-lead = Järjestöt, jotka tukevat ihmiskaupan kohteeksi joutuneita ja tekevät yhteistyötä Sightlinen kanssa.
partners-none = Kumppanisivuja ei ole vielä julkaistu.
partners-what = Mitä teemme
partners-reach = Yhteystiedot
partners-phone = Puhelin
partners-website = Verkkosivut
partners-email = Sähköposti
partners-donate-heading = Tue työtä
partners-donate = Lahjoita: { $name }
partners-donate-note = Linkki vie järjestön omalle lahjoitussivulle. Sightline ei käsittele lahjoituksia.
partners-impact-heading = Sightlinen kanssa
partners-impact-note = Laskettu Sightlinen omista tiedoista. Alle { $k }:n lukua ei näytetä, jotta ketään henkilöä tai tapausta ei voi tunnistaa.
partners-trained = Järjestön Sightlinella koulutetut henkilöt
partners-referrals = Vastaanotetut ohjaukset
partners-supported = Ohjauksen jälkeen tuetut henkilöt
partners-fewer-than = alle { $k }
partners-updated = Sivua päivitetty { $date }
partners-not-found-title = Kumppanisivua ei löydy
partners-not-found = Tässä osoitteessa ei ole julkaistua kumppanisivua.
partners-all = Kaikki kumppanit
partners-danger = Onko joku vaarassa nyt? Soita paikalliseen hätänumeroon (Euroopassa 112).
partner-service-awareness = Tietoisuuden lisääminen
partner-service-shelter = Turvakoti
partner-service-legal_aid = Oikeudellinen apu
partner-service-medical = Terveydenhoito
partner-service-return_home = Paluu kotimaahan
partner-service-hotline = Auttava puhelin
partner-edit-heading = Kumppanisivu
partner-edit-lead = Organisaationne julkinen sivu: keitä olette, mitä teette, miten teidät tavoittaa ja minne voi lahjoittaa. Sightline lisää sivulle lukuja omista tiedoistaan; alle 11:n luvut piilotetaan.
partner-slug-label = Osoite
partner-slug-hint = Pieniä kirjaimia, numeroita ja yhdysmerkkejä, 3–60 merkkiä. Sivun osoite on /partners/ ja tämä.
partner-about-label = Keitä olette ja mitä teette
partner-about-hint = Pelkkää tekstiä, enintään 2 000 merkkiä. Tyhjä rivi aloittaa uuden kappaleen.
partner-services-label = Palvelut
partner-phone-label = Julkinen puhelinnumero
partner-phone-hint = Kansainvälisessä muodossa, esimerkiksi +358 40 123 4567.
partner-website-label = Verkkosivut
partner-email-label = Julkinen sähköpostiosoite
partner-donation-label = Lahjoituslinkki
partner-link-hint = Osoite, joka alkaa https://.
partner-published-label = Julkaistu: kuka tahansa näkee sivun
partner-reach-hint = Julkaistulla sivulla on oltava puhelinnumero, verkkosivut tai sähköpostiosoite.
partner-save = Tallenna
partner-saved = Kumppanisivu on tallennettu.
partner-view = Näytä julkinen sivu
partner-changed-meanwhile = Joku muutti sivua muokkauksesi aikana. Sivu näytetään nykyisessä muodossaan: tee muutoksesi uudelleen.
error-https-only = Käytä osoitetta, joka alkaa https:// (muunlaiset linkit eivät käy).
error-invalid-slug = Käytä 3–60 pientä kirjainta, numeroa ja yhdysmerkkiä; yhdysmerkki ei voi olla alussa eikä lopussa.
error-slug-taken = Toisen organisaation sivulla on jo tämä osoite. Valitse toinen.
error-reach-required = Julkaistulla sivulla on oltava puhelinnumero, verkkosivut tai sähköpostiosoite.
stats-series-referrals = Ohjaukset
stats-outcome-accepted = Hyväksytty
stats-outcome-supported = Tuki kirjattu
stats-outcome-declined = Hylätty
stats-outcome-waiting = Odottaa vastausta

## Koulutusvelvoitteet (issue 14)
mail-assignment-due-subject = Koulutus suoritettava { $due } mennessä: { $course }
mail-assignment-due-body =
    Hei { $name },

    { $org } pyytää sinua suorittamaan Sightline-kurssin "{ $course }" { $due } mennessä ({ $days } päivää). Se vie noin puoli tuntia: käy oppitunnit läpi ja suorita tilannetehtävien tarkistus.

    { $url }
mail-assignment-overdue-subject = Koulutus myöhässä: { $course }
mail-assignment-overdue-body =
    Hei { $name },

    Sightline-kurssisi "{ $course }" ({ $org }) piti suorittaa { $due } mennessä, ja se on nyt myöhässä. Käy kurssi läpi ja suorita tarkistus mahdollisimman pian.

    { $url }
mail-overdue-digest-subject = { $org }: { $count } uutta myöhässä Sightline-koulutuksesta
mail-overdue-digest-body =
    Hei { $name },

    Nämä henkilöt ({ $org }) ovat myöhässä heille määrätystä Sightline-koulutuksesta:

    { $people }

    Koulutustilanteen koontinäkymä näyttää kaikki myöhässä olevat:
    { $url }
mail-overdue-digest-more = … ja { $count } muuta
assign-heading = Koulutusvelvoitteet
assign-lead = Määrää kurssi kaikille tietyssä tehtävässä tai vain yhdellä tukikohdalla. Uusilla työntekijöillä on tietty määrä päiviä aikaa suorittaa se; sen jälkeen se on suoritettava uudelleen tietyin kuukausivälein viimeisestä suorituksesta. Henkilöitä muistutetaan sähköpostilla ennen määräaikaa.
assign-list-heading = Määrätyt kurssit
assign-none = Yhtään kurssia ei ole vielä määrätty.
assign-course = Kurssi
assign-due-days = Päiviä uusille työntekijöille
assign-due-days-hint = Lasketaan päivästä, jona henkilön tili luotiin (hän liittyi organisaatioon).
assign-recur-months = Uudelleen (kuukauden välein)
assign-change = Muuta
assign-any-base = Kaikki tukikohdat
assign-save = Tallenna
assign-delete = Poista velvoite
assign-new-heading = Määrää kurssi
assign-choose = Valitse…
assign-base-hint = Valinnainen. Jätä tyhjäksi kaikille tukikohdille; muuten tukikohta, jossa henkilöstösi työskentelee, kuten heidän tiedoissaan.
assign-create = Määrää
assign-settings-heading = Muistutukset ja tilikausi
assign-offsets = Muistutuspäivät ennen määräaikaa
assign-offsets-hint = Pilkuin eroteltuina, esimerkiksi 60, 30, 7, 0 (0 on päivä, jona suoritus myöhästyy; ylläpitäjät saavat silloin yhden koosteen myöhästyneistä).
assign-fiscal-start = Tilikausi alkaa
assign-settings-save = Tallenna asetukset
assign-created = Kurssi on määrätty.
assign-updated = Velvoitetta on muutettu.
assign-deleted = Velvoite on poistettu.
assign-settings-saved = Asetukset tallennettu.
assign-changed-meanwhile = Joku muutti tätä velvoitetta sillä välin; tässä se on nykyisellään.
month-1 = tammikuu
month-2 = helmikuu
month-3 = maaliskuu
month-4 = huhtikuu
month-5 = toukokuu
month-6 = kesäkuu
month-7 = heinäkuu
month-8 = elokuu
month-9 = syyskuu
month-10 = lokakuu
month-11 = marraskuu
month-12 = joulukuu
standing-current = Voimassa
standing-due-soon = Erääntyy pian
standing-overdue = Myöhässä
standing-not-started = Aloittamatta
compliance-heading = Koulutustilanne
compliance-lead = Missä velvoitteiden piiriin kuuluvat henkilöt ovat tänään: voimassa, erääntyy 30 päivän sisällä, myöhässä tai vielä aloittamatta (uudet työntekijät ensimmäisinä päivinään). Henkilö, jolla on useita kursseja, lasketaan sen mukaan, joka vaatii eniten huomiota. Valitse luku nähdäksesi henkilöt.
compliance-filters = Suodattimet
compliance-any = Kaikki
compliance-status = Tila
compliance-apply = Näytä
compliance-clear = Poista suodattimet
compliance-total = Yhteensä
compliance-by-position = Tehtävittäin
compliance-by-base = Tukikohdittain
compliance-no-base = Ei tukikohtaa
compliance-nobody = Ei ketään.
compliance-people = Henkilöt
compliance-shown = { $shown } / { $matched } henkilöä näytetään.
compliance-courses = Määrätyt kurssit
compliance-due-on = määräaika { $date }
compliance-export-heading = Vuosiluvut
compliance-export-lead = Velvoitteiden piirissä oleva henkilöstö, tilikauden aikana koulutetut ja sen lopussa (kuluvalla kaudella tänään) voimassa olevat tehtävittäin: luvut, jotka lentoyhtiö raportoi vuosittain.
compliance-fy = Tilikausi { $year }
compliance-year-heading = Koulutettu ja voimassa oleva henkilöstö, tilikausi { $year }
compliance-year-period = Tilikausi { $from } – { $to }
compliance-year-as-of = "Voimassa" laskettu { $date }
compliance-assigned = Velvoitettuja
compliance-trained = Koulutettu kaudella
compliance-current = Voimassa
compliance-year-note = Velvoitettuja: koulutusvelvoitteen piirissä olevat henkilöt, jotka olivat liittyneet yllä olevaan päivään mennessä. Koulutettu kaudella: heistä ne, jotka suorittivat määrätyn kurssin tilikauden aikana. Voimassa: ne, joilla ei sinä päivänä ollut yhtään myöhässä olevaa kurssia.
error-unknown-course = Valitse jokin kursseista.
error-unknown-base = Kukaan organisaatiossasi ei työskentele tällä tukikohdalla. Tarkista kirjoitusasu tai jätä tyhjäksi kaikille tukikohdille.
error-invalid-offsets = Anna kokonaisia päiviä 0–365 pilkuin eroteltuina, kukin kerran (enintään 8).
learn-due-heading = Sinulle määrätyt
learn-due-item = { $course }: määräaika { $date }
desk-training-compliance = Koulutustilanne (vuosiluvut)
## Kertakirjautuminen (OpenID Connect)
sso-sign-in = Kirjaudu yrityksen tunnuksella
sso-lead = Jos organisaatiosi kirjaa sinut sisään omalla tunnistuspalvelullaan (Entra ID, Okta, Keycloak …), jatka sinne.
sso-org-label = Organisaatiosi tai työsähköpostiosoitteesi
sso-org-hint = Esimerkiksi Demo Airline, demo-airline.example tai sinä@demo-airline.example.
sso-continue = Jatka yrityksen kirjautumiseen
sso-password-instead = Kirjaudu sen sijaan salasanalla
sso-try-again = Yritä uudelleen
sso-refused-heading = Kirjautuminen ei onnistunut
sso-refused-state-unknown = Tätä kirjautumista ei aloitettu tässä selaimessa, tai sitä ei tunneta. Aloita uudelleen kirjautumissivulta.
sso-refused-state-replayed = Tämä kirjautumisvastaus on jo käytetty. Aloita uudelleen kirjautumissivulta.
sso-refused-state-expired = Kirjautuminen kesti liian kauan. Aloita uudelleen kirjautumissivulta.
sso-refused-idp-error = Yrityksesi kirjautumispalvelu ei kirjannut sinua sisään (se kieltäytyi, tai peruutit). Täällä ei muutettu mitään.
sso-refused-provider-unreachable = Yrityksesi kirjautumispalveluun ei saatu yhteyttä tai se vastasi väärin. Yritä myöhemmin; jos vika jatkuu, kerro ylläpitäjälle.
sso-refused-issuer = Vastaus tuli kirjautumispalvelusta, jota organisaatiosi ei ole ottanut käyttöön. Sinua ei kirjattu sisään.
sso-refused-token-malformed = Kirjautumisvastausta ei voitu lukea. Sinua ei kirjattu sisään.
sso-refused-token-algorithm = Kirjautumisvastaus oli allekirjoitettu tavalla, jota Sightline ei hyväksy. Sinua ei kirjattu sisään.
sso-refused-token-unknown-key = Kirjautumisvastaus oli allekirjoitettu avaimella, jota yrityksesi kirjautumispalvelu ei julkaise. Sinua ei kirjattu sisään.
sso-refused-token-bad-signature = Kirjautumisvastauksen allekirjoitus on väärä. Sinua ei kirjattu sisään.
sso-refused-token-issuer = Kirjautumisvastaus nimeää kirjautumispalvelun, jota organisaatiosi ei ole ottanut käyttöön. Sinua ei kirjattu sisään.
sso-refused-token-audience = Kirjautumisvastaus oli tarkoitettu toiselle sovellukselle. Sinua ei kirjattu sisään.
sso-refused-token-expired = Kirjautumisvastaus on vanhentunut. Aloita uudelleen kirjautumissivulta.
sso-refused-token-issued-at = Kirjautumisvastaus on liian vanha tai tulevaisuuteen päivätty. Tarkista palvelimen kello ja aloita uudelleen.
sso-refused-token-nonce = Kirjautumisvastaus ei kuulu tähän kirjautumiseen (se on voitu toistaa). Sinua ei kirjattu sisään.
sso-refused-token-missing-claim = Kirjautumisvastauksesta puuttuu, kuka olet. Sinua ei kirjattu sisään.
sso-refused-email = Yritystunnuksellasi ei ole vahvistettua sähköpostiosoitetta, jota Sightline voisi käyttää. Kysy ylläpitäjältä.
sso-refused-other-org = Sähköpostiosoitteesi kuuluu toisen organisaation tiliin. Kysy ylläpitäjältä.
sso-refused-inactive = Tilisi on poistettu käytöstä. Kysy organisaatiosi ylläpitäjältä.
sso-refused-no-role = Yritystunnuksesi ei kuulu mihinkään ryhmään, jolla on pääsy Sightlineen, joten tiliä ei luotu. Pyydä ylläpitäjää lisäämään sinut oikeaan ryhmään.
error-sso-unknown-org = Yrityskirjautumista käyttävää organisaatiota ei löytynyt. Tarkista kirjoitusasu tai kirjaudu salasanalla.
error-sso-provider-unreachable = Yrityksesi kirjautumispalveluun ei juuri nyt saada yhteyttä. Yritä myöhemmin.
error-password-sign-in-off = Organisaatiosi kirjaa sinut sisään yrityksen tunnuksella. Valitse alta "Kirjaudu yrityksen tunnuksella".
error-invalid-domain = Anna verkkotunnus, kuten example.com.
error-mapping-line = Kirjoita yksi sääntö riville: väite = arvo -> rooli (esimerkiksi groups = sightline-desk -> desk_analyst).
error-mapping-role-not-allowed = Tunnistuspalvelu ei voi antaa alustan ylläpitäjän roolia.
error-taken = Toinen organisaatio käyttää jo tätä.
settings-sso-heading = Kertakirjautuminen (OpenID Connect)
settings-sso-lead = Anna henkilöstösi kirjautua yrityksen tunnuksella. Rekisteröi Sightline tunnistuspalveluusi verkkosovelluksena (valtuutuskoodi ja PKCE) ja syötä sen antamat tiedot.
settings-sso-redirect = Rekisteröitävä paluuosoite:
settings-sso-issuer = Myöntäjän osoite (issuer)
settings-sso-issuer-hint = Täsmälleen kuten palvelu itsensä nimeää, esim. https://login.microsoftonline.com/TENANT/v2.0 tai https://keycloak.example/realms/crew.
settings-sso-client-id = Asiakastunnus (client ID)
settings-sso-client-secret = Asiakassalaisuus (client secret)
settings-sso-secret-hint = Tallennetaan salattuna; ei näytetä uudelleen.
settings-sso-secret-kept = Salaisuus on tallennettu (salattuna). Jätä tyhjäksi pitääksesi sen, tai anna uusi.
settings-sso-domain = Yrityksen sähköpostin verkkotunnus
settings-sso-domain-hint = Henkilöstö löytää kirjautumisen kirjoittamalla sen (tai osoitteensa). Sen osoitteisiin luotetaan, kun palvelu ei kerro, onko osoite vahvistettu.
settings-sso-mapping = Ryhmät ja roolit
settings-sso-mapping-hint = Yksi sääntö riville: väite = arvo -> rooli. Henkilö, jolle säännöt eivät anna roolia, ei saa tiliä. Roolit: learner, reporter, desk_analyst, org_admin, caseworker.
settings-sso-acr = Todennusluokka, joka lasketaan kaksivaiheiseksi (valinnainen)
settings-sso-acr-hint = Kaksivaiheinen lasketaan myös, kun palvelun amr sanoo mfa, otp, hwk, sc tai mca. Muuten sitä tarvitsevat tekevät Sightlinen oman toisen vaiheen.
settings-sso-password = Henkilöstö voi kirjautua myös salasanalla
settings-sso-password-hint = Poista valinta salliaksesi vain yrityskirjautumisen (alustan ylläpitäjät pitävät salasanansa).
settings-sso-saved = Kertakirjautuminen tallennettiin.
settings-sso-removed = Kertakirjautuminen poistettiin. Henkilöstö kirjautuu taas salasanoilla.
settings-sso-remove = Poista kertakirjautuminen
# xAPI: statements to the organisation's learning record store (issue 14, item 4)
settings-lrs-heading = Oppimistietovarasto (xAPI)
settings-lrs-lead = Sightline voi lähettää oppimistietovarastoonne (LRS) xAPI 1.0.3 -lausuman, kun joku lukee oppitunnin, läpäisee tai hylätään tilannetehtävässä ja suorittaa kurssin. Jos LRS ei vastaa, lausumat odottavat ja niitä yritetään uudelleen.
settings-lrs-enabled = Lähetä lausumat LRS:ään
settings-lrs-endpoint = LRS-päätepiste
settings-lrs-endpoint-hint = xAPI-päätepisteen https-osoite; lausumat lähetetään osoitteeseen, jonka perässä on /statements.
settings-lrs-key = Avain (Basic-todennuksen käyttäjänimi)
settings-lrs-secret = Salaisuus (Basic-todennuksen salasana)
settings-lrs-secret-kept = Salaisuus on tallennettu. Jätä kenttä tyhjäksi, niin se säilyy.
settings-lrs-actor = Miten henkilöt nimetään LRS:ssä
settings-lrs-actor-account = Läpinäkymättömällä tilitunnuksella (suositus: sähköpostiosoitteita ei lähde Sightlinesta)
settings-lrs-actor-mbox = Sähköpostiosoitteella
settings-lrs-home-page = Tilin kotisivu
settings-lrs-home-page-hint = Tilin homePage. Tyhjä: tämän palvelimen osoite.
settings-lrs-activity-base = Aktiviteettitunnusten alku
settings-lrs-activity-base-hint = Kurssien, oppituntien ja tilannetehtävien tunnukset alkavat tällä. Tyhjä: tämän palvelimen oppimissivut.
settings-lrs-saved = Tallennettu. Lausumat lähetetään tästä lähtien, kun lähetys on päällä.
settings-lrs-counts = LRS on vastaanottanut: { $sent }. Odottaa tai yritetään uudelleen: { $pending }. Luovuttu: { $dead }.
settings-lrs-oldest = Vanhin odottava on ajalta { $at }.
settings-lrs-last-error = Viimeisin virhe
settings-lrs-dead-heading = Lausumat, joita LRS ei vastaanottanut
settings-lrs-dead-none = Ei yhtään. Jokainen lausuma on vastaanotettu tai sitä yritetään yhä.
settings-lrs-dead-lead = Näitä yritettiin 8 kertaa noin kahden tunnin aikana. Kun LRS toimii taas, lähetä ne uudelleen: kukin säilyttää lausumatunnuksensa, joten LRS tallentaa kunkin vain kerran.
settings-lrs-retry = Lähetä kaikki uudelleen
settings-lrs-retried = Ne lähetetään uudelleen minuutin kuluessa.
error-none-to-send = Uudelleen lähetettävää ei ole.

## Säilytys ja oikeudellinen säilytysvelvoite (issue 15)
settings-retention-heading = Säilytys
settings-retention-lead = Kuinka kauan suljettu tapaus säilyttää tekstinsä ja siihen sisältyvät henkilötiedot, päivinä sulkemisesta. Kun aika on kulunut, teksti, muistiinpanot, vihjeen viestit ja yhteys ilmoittajaan poistetaan; tapauksesta jää tietue (päivämäärät, lopputulos ja lukumäärät), jotta tilastot ja tapahtumaloki pysyvät ehjinä. Jätä kenttä tyhjäksi säilyttääksesi pysyvästi. Säilytysvelvoitteen alaista tapausta ei koskaan poisteta.
settings-retention-met_on_arrival_days = Viranomaiset vastassa saapuessa (päivää)
settings-retention-referred_to_ngo_days = Ohjattu järjestölle (päivää)
settings-retention-no_action_innocent_days = Ei toimia: viaton selitys (päivää)
settings-retention-insufficient_information_days = Riittämättömät tiedot (päivää)
settings-retention-other_days = Muu lopputulos tai ei lopputulosta (päivää)
settings-retention-tips_days = Yleisön vihjeet ja niiden viestit lopputuloksesta riippumatta (päivää)
settings-retention-forever = Säilytä pysyvästi
settings-retention-hint = Kokonaisia päiviä 1–{ $max }; tyhjä säilyttää pysyvästi.
settings-retention-saved = Säilytysajat tallennettu.
case-purged = Tämän tapauksen teksti poistettiin säilytyskäytännön mukaisesti.
case-purged-help = Poistettu { $date }. Jäljellä ovat päivämäärät, lopputulos, reitti, merkit ja lukumäärät; kuvaukset, vapaa teksti, muistiinpanot, istumapaikat ja viestit on poistettu.
case-hold = Oikeudellinen säilytysvelvoite.
case-hold-since = Alkaen
case-hold-heading = Oikeudellinen säilytysvelvoite
case-hold-lead = Säilytysvelvoitteen alainen tapaus säilyy kokonaisena: säilytysajan poisto ei koskaan poista sitä. Kerro syy (esimerkiksi poliisin pyyntö viitteineen); velvoitteen asettaminen ja poistaminen kirjataan tapahtumalokiin.
case-hold-reason = Säilytysvelvoitteen syy
case-hold-place = Aseta säilytysvelvoite
case-hold-lift = Poista säilytysvelvoite
