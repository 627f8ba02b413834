"""What the demo's past questions say: subjects and questions per category, the agents'
answers, notes to the tier above and the requesters' comments on ratings. Swedish, as the
demo municipality writes; no personnummer and no real names."""
from __future__ import annotations

# (subject, question) per category; guardians never ask about administration.
QUESTIONS = {
    "login": [
        ("Kan inte logga in med BankID", "Jag får ett felmeddelande när jag loggar in med Mobilt BankID."),
        ("Glömt lösenordet till skolkontot", "Jag har glömt mitt lösenord och återställningen kommer inte fram."),
        ("Inloggningen hänger sig i appen", "Appen visar bara ett snurrande hjul när jag loggar in."),
        ("Fel konto efter inloggning", "När jag loggar in hamnar jag på ett annat barns sida."),
        ("Kontot är låst", "Jag skrev fel lösenord några gånger och nu är kontot låst."),
        ("Tvåstegsverifiering fungerar inte", "Koden från appen godtas inte vid inloggningen."),
    ],
    "administration": [
        ("Klass saknas i min översikt", "En av mina klasser syns inte i översikten sedan terminsstarten."),
        ("Ny elev syns inte i gruppen", "En elev som började i måndags finns inte i klasslistan."),
        ("Vårdnadshavare saknar koppling", "En vårdnadshavare ser inte sitt barn när hon loggar in."),
        ("Undervisningsgrupp ska skapas", "Jag behöver en undervisningsgrupp för språkvalet."),
        ("Avslutad grupp syns fortfarande", "En grupp som slutade i våras syns fortfarande i listan."),
        ("Mentorskap ska flyttas", "Mentorskapet för några elever ska flyttas till en ny kollega."),
        ("Vikarie behöver behörighet", "Vår vikarie behöver komma åt närvaron för två veckor."),
    ],
    "usage": [
        ("Hur registrerar jag frånvaro?", "Var gör jag när jag ska registrera frånvaro för hela dagen?"),
        ("Hur skickar jag meddelande till alla?", "Jag vill skicka ett meddelande till alla vårdnadshavare i klassen."),
        ("Var hittar jag schemat?", "Jag hittar inte veckans schema i appen."),
        ("Hur lägger jag upp en uppgift?", "Hur lägger jag upp en inlämningsuppgift med sista datum?"),
        ("Hur ser jag omdömen?", "Var ser jag omdömena från förra terminen?"),
        ("Hur ändrar jag aviseringar?", "Jag får för många aviseringar. Går det att välja bort några?"),
    ],
    "bug": [
        ("Fel när omdömen exporteras", "När jag exporterar omdömen blir PDF-filen tom."),
        ("Närvaron sparas inte", "Jag markerar närvaro men efter en stund är den borta igen."),
        ("Bilagor går inte att öppna", "Bilagor i meddelanden går inte att öppna i mobilen."),
        ("Schemat visar fel vecka", "Schemat visar förra veckan fast jag valt den här."),
        ("Appen stängs när jag öppnar kalendern", "Appen stänger sig direkt när jag trycker på kalendern."),
    ],
    "feedback": [
        ("Önskemål om mörkt läge", "Det vore bra med ett mörkt läge i appen."),
        ("Förslag: påminnelse om läxor", "Kan appen påminna eleverna om läxor dagen innan?"),
        ("Svårt att hitta frånvaroanmälan", "Frånvaroanmälan ligger långt ner i menyn och är svår att hitta."),
    ],
    "other": [
        ("Fråga om personuppgifter", "Vilka uppgifter om mitt barn sparas i plattformen?"),
        ("Vem kontaktar jag om skolskjuts?", "Jag har en fråga om skolskjutsen, är det här rätt ställe?"),
        ("Utskrift av närvarolista", "Går det att skriva ut en närvarolista för en hel månad?"),
    ],
}

LOCAL_ANSWERS = [
    "Det gör du under Mitt konto. Hör av dig igen om det inte fungerar.",
    "Jag har rättat det nu, prova gärna igen.",
    "Det ska fungera nu efter att jag uppdaterade gruppen.",
    "Se hjälpsidan om detta, där finns en steg-för-steg-beskrivning.",
    "Vi har sett samma sak på fler skolor. Prova att logga ut och in igen.",
]
ASK_REQUESTER = [
    "Vilket felmeddelande står det? Skicka gärna en skärmbild.",
    "Gäller det i webbläsaren eller i appen?",
    "Vilken klass eller grupp gäller det?",
]
REQUESTER_REPLIES = [
    "Det står att sessionen har gått ut.",
    "Det gäller i appen på telefonen.",
    "Det gäller klass 6A.",
    "Tack, nu fungerar det!",
]
ESCALATION_NOTES = [
    "Kontrollerat behörigheter och grupper, ser inget fel hos oss.",
    "Felet går att återskapa på två datorer, tar det vidare.",
    "Kopplingen kommer från synken, jag kan inte ändra den.",
    "Behöver centrala behörigheter för att rätta.",
]
CENTRAL_ANSWERS = [
    "Vi har rättat kopplingen centralt, den syns efter nattens synk.",
    "Det var en inställning för hela kommunen, nu är den ändrad.",
    "Vi har lagt till behörigheten, prova igen i morgon.",
    "Leverantören har rättat felet, det ska fungera nu.",
]
VENDOR_NOTES = [
    "Felet går att återskapa för alla skolor i kommunen sedan i måndags.",
    "Exporten misslyckas för alla klasser, se bifogad beskrivning.",
    "Synken tar med grupper som har slutdatum.",
]
VENDOR_REPLIES = [
    "Tack, vi har återskapat felet och en rättning kommer i nästa version.",
    "Rättat i produktion, bekräfta gärna att det fungerar.",
    "Vi behöver veta vilken webbläsare som används.",
]
VENDOR_CASE_STATUSES = ["Under utredning", "Rättad i nästa version", "Rättad"]
SUMMARIES = [
    "Behörigheten saknades och är nu tillagd.",
    "Felet rättades av leverantören.",
    "Kopplingen i synken rättades centralt.",
    "Inställningen för kommunen ändrades.",
]
# (rating band, comments): the requester's own words for a good, middling and poor answer.
RATING_COMMENTS = {
    "good": ["Snabbt och tydligt svar, tack!", "Toppen, nu fungerar allt.", "Bra hjälp."],
    "middling": ["Det löste sig till slut.", "Fungerar nu, men det tog några dagar."],
    "poor": ["Det tog alldeles för lång tid.", "Fick vänta länge utan att höra något.",
             "Problemet är inte riktigt löst."],
}
