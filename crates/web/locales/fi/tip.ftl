# Päivystyksen puoli julkisista vihjeistä ja organisaatioiden lentoasemat. Itse
# vihjesivujen sanat ovat tiedostoissa content/public/<kieli>/tip.toml.
tip-when = Milloin havaittu
error-guard-words = Tarkista tekstisi sanamuoto (katso huomautus alla).
error-airport-taken = Jokin toinen organisaatio kattaa jo jonkin näistä lentoasemista.
desk-public-tip = Julkinen vihje
case-tip-help = Yleisöltä, nimetön. Vastaa alla: lähettäjä lukee vastauksen kuitillaan. Älä koskaan kysy, kuka hän on.
case-tip-thread = Viestit lähettäjän kanssa
case-tip-sender = Lähettäjä
case-tip-no-messages = Ei vielä viestejä.
case-tip-reply = Viesti lähettäjälle
case-tip-reply-help = Lähettäjä lukee tämän kuitillaan. Älä pyydä häntä puuttumaan tilanteeseen tai kertomaan henkilöllisyyttään.
case-tip-send = Lähetä lähettäjälle
airports-title = Katetut lentoasemat
airports-help = Vihjeet, jotka mainitsevat jonkin näistä lentoasemista, menevät tämän organisaation päivystykseen; muut vihjeet menevät julkiseen vihjepäivystykseen. Kolmikirjaimiset koodit välilyönnein erotettuina.
airports-label = Lentoasemakoodit
airports-save = Tallenna lentoasemat
airports-saved = Tallennettu.
case-tip-contact = Lähettäjän antama yhteystieto
