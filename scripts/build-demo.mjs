// Builds examples/demo-thesis from ../shared/corpus:
//   1. transcripts/: every corpus interview run through the importer (server/src/core/import),
//   2. .qda/codings/{anna,bjorn}/transcripts/*.jsonl: chosen passages found in those transcripts,
//      written in the codings format of DESIGN.md (UTF-16 offsets, 32-char prefix/suffix,
//      sorted by doc, start, code, id; deterministic ids and times),
//   3. chapters/kapittel-5-funn.md: the findings chapter, its quotes anchored to codings.
// qda.yaml, codebook.md and memos/ are written by hand; this script checks that every code it
// uses exists in codebook.md and lists codebook codes no coding uses.
//
//   node scripts/build-demo.mjs            build
//   node scripts/build-demo.mjs --check    fail if the demo differs from what the script builds
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = resolve(root, '../shared/corpus');
const demo = join(root, 'examples/demo-thesis');
const check = process.argv.includes('--check');

// --- the importer, bundled from TypeScript ---------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'qda-demo-'));
let importer;
try {
  await build({
    entryPoints: [join(root, 'server/src/core/import/index.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
    mainFields: ['module', 'main'], outfile: join(tmp, 'import.cjs'),
  });
  importer = createRequire(import.meta.url)(join(tmp, 'import.cjs'));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const outputs = new Map(); // demo-relative path -> text
const SOURCES = {
  FL1: 'teams-intervju-FL1.vtt',
  FL2: 'teams-intervju-FL2.vtt',
  R1: 'teams-intervju-R1.vtt',
  R2: 'intervju-R2.md',
  R3: 'interview-R3-en.md',
  FG: 'fokusgruppe-kundesenter.txt',
  A: 'intervju-informant-A.docx',
};
const docs = {}; // key -> { path, text }
for (const [key, file] of Object.entries(SOURCES)) {
  const result = await importer.importTranscript(file, readFileSync(join(corpus, file)), {
    interviewers: ['Intervjuer', 'Interviewer', 'M'],
    language: key === 'R3' ? 'en' : 'nb',
  });
  const path = `transcripts/${importer.transcriptFileName(file)}`;
  docs[key] = { path, text: result.markdown };
  outputs.set(path, result.markdown);
}

// --- codings ------------------------------------------------------------------------------
// [transcript, code, exact text]; the text must occur exactly once in the transcript.
const ANNA = [
  ['FL1', 'Lederen bruker systemet selv', 'Hvis jeg ikke bruker det, så kommer ikke de andre til å bruke det heller', 'q-fl1'],
  ['R1', 'Lederen bruker systemet selv', 'Hun bruker det selv, og det synes. Når vi har teammøter, så er det CRM som står på skjermen.'],
  ['R2', 'Lederen bruker systemet selv', 'Hun bruker det selv, det er tydelig. Når vi har møter, så er det systemet som er på skjermen.'],
  ['R3', 'Lederen bruker systemet selv', 'Our team leader used it herself from day one.'],
  ['R3', 'Lederen bruker systemet selv', "If something isn't in the system, it doesn't exist in the meeting", 'q-r3'],
  ['R3', 'Lederen bruker systemet selv', 'She does everything in the system. Tasks, notes, follow-ups.'],
  ['FL1', 'Lederen viser at hen ikke kan alt', 'Så jeg satt der, og jeg gjorde feil, og jeg spurte superbrukerne om ting.'],
  ['R1', 'Lederen viser at hen ikke kan alt', 'Fordi hvis lederen kan spørre, så kan alle spørre', 'q-r1'],
  ['R1', 'Lederen viser at hen ikke kan alt', 'Hun var med selv, og hun var ikke redd for å vise at hun ikke kunne alt.'],
  ['FG', 'Lederen viser at hen ikke kan alt', 'Jeg ville sagt at lederen må være med og lære selv, og vise at det er greit å ikke kunne alt med en gang.'],
  ['FL1', '«lederen er en forutsetning, men ikke nok»', 'Så jeg tenker at lederen er en forutsetning, men ikke nok.'],
  ['FL1', '«lederen er en forutsetning, men ikke nok»', 'Hvis lederen er negativ, så er det nesten umulig å lykkes. Hvis lederen er positiv, så har man en god sjanse, men man må fortsatt gjøre jobben.', 'q-fl1-block'],
  ['R1', '«lederen er en forutsetning, men ikke nok»', 'Men jeg vil også si at superbrukerne har vært viktige,'],
  ['FL2', 'Åpen om feil og mangler', 'Jeg prøvde å være ærlig om at det var dårlig, i stedet for å forsvare det.'],
  ['R2', 'Åpen om feil og mangler', 'Hun sa at hun hadde meldt det inn, og så fortalte hun oss når det ble fikset. Det gjorde at vi stolte på henne.'],
  ['R3', 'Åpen om feil og mangler', "She didn't pretend it was fine. She said it was annoying and that she had escalated it."],
  ['R1', 'Åpen om feil og mangler', 'Hun har sagt fra når ting ikke fungerte, og hun har meldt inn ting til prosjektet.'],
  ['FL2', 'Målt på salg, bedt om registrering', 'Banken sier at dette er viktig, men måler oss på det samme som før. Det er litt, eh, det sender doble signaler.'],
  ['FL2', 'Målt på salg, bedt om registrering', 'De spør om volum og margin.'],
  ['FG', 'Målt på salg, bedt om registrering', 'Målene på antall samtaler er de samme som før. Så det blir litt (.) dobbelt.'],
  ['R2', 'Aktivitetsmål som telling', 'Det føltes som om det ble telling i stedet for kvalitet.'],
  ['FL2', 'Aktivitetsmål som telling', 'Det er lett å begynne å styre etter det som er lett å måle, antall møter, antall samtaler, og så glemmer du kvaliteten.'],
  ['R1', 'Aktivitetsmål som telling', 'Og det er jo en risiko, at folk begynner å registrere for å få gode tall, og ikke fordi det er nyttig.'],
  ['FL2', 'Støtte ovenfra mangler', 'Men jeg vil legge til at førstelinjelederen trenger støtte ovenfra for å lykkes.'],
  ['FL2', 'Støtte ovenfra mangler', 'Men en bro må jo stå på noe på begge sider.'],
  ['FG', 'Støtte ovenfra mangler', 'Men jeg synes ledelsen over P3 kunne vært mer til stede.'],
  ['FG', 'Støtte ovenfra mangler', 'Men det var ikke noe jeg fikk gjennomslag for.'],
  ['FL1', 'Felles gjennomgang i systemet', 'Nå åpner vi CRM på storskjermen og går gjennom oppfølgingslisten sammen.'],
  ['FL2', 'Felles gjennomgang i systemet', 'Vi innførte det vi kaller kundetavla. Hver torsdag går vi gjennom de ti viktigste bedriftskundene våre, rett fra CRM, på skjerm.'],
  ['R3', 'Felles gjennomgang i systemet', 'In our weekly meeting we go through the pipeline directly in the system, not in a spreadsheet.'],
  ['FL2', 'Tall som utgangspunkt, ikke fasit', 'Jeg bruker tallene som et utgangspunkt for samtaler, ikke som en fasit.'],
  ['R1', 'Tall som utgangspunkt, ikke fasit', 'Men lederen vår tok det opp på et teammøte og sa at hun kom til å bruke tallene til å se hvor vi trengte hjelp, ikke til å rangere noen.'],
  ['R2', 'Tall som utgangspunkt, ikke fasit', 'hun sa at hun brukte tallene for å se etter hvem som trengte hjelp, ikke for å rangere oss.'],
  ['FL1', 'Samtaler med dem som ikke registrerer', 'Det vanskeligste har nok vært å følge opp de som ikke bruker det. Fordi det blir så lett at det føles som kontroll.'],
  ['FL1', 'Samtaler med dem som ikke registrerer', 'Eh, og da har jeg prøvd å starte med å spørre hva som er vanskelig, i stedet for å si at du må gjøre det.'],
  ['FL2', 'Samtaler med dem som ikke registrerer', 'Jeg har prøvd å vri det til at det handler om kollegaene og kundene, ikke om kontroll.'],
  ['R2', '«det er lov å bruke tid, men det er ikke lov å la være»', 'Hun sa at det er lov å bruke tid, men det er ikke lov å la være', 'q-r2'],
  ['R2', '«læring i sandkassa»', 'Vi kalte det «læring i sandkassa», for det var et sted der du kunne prøve uten at noe ble ødelagt.'],
  ['R2', '«læring i sandkassa»', 'I sandkassa kunne jeg bruke tid, og jeg kunne spørre superbrukeren om de samme tingene flere ganger uten at det var flaut.'],
  ['FL1', '«læring i sandkassa»', 'Vi kalte det sandkassa, eh, det var vel superbrukerne som begynte med det.'],
  ['R3', '«læring i sandkassa»', 'Then we had the practice environment, which everybody called the *sandkasse*, the sandbox. That was the useful part.'],
  ['FL1', 'Superbrukere som støtte', 'Vi fikk to superbrukere på teamet.'],
  ['FL1', 'Superbrukere som støtte', 'Så når vi andre kom i gang, så hadde vi noen å spørre som satt rett ved siden av oss.'],
  ['R2', 'Superbrukere som støtte', 'Og så satte hun meg sammen med superbrukeren en halvtime, og vi fant en enklere måte.'],
  ['A', 'Superbrukere som støtte', 'De beste erfaringene vi har, er med superbrukere i hver enhet. En kollega som kan litt mer, og som du kan spørre når du står fast.'],
  ['FL2', 'Superbrukere som støtte', 'Superbrukeren vår laget egne små guider,'],
  ['FL1', 'Skjermet tid for superbrukere', 'Jeg skjermet dem litt fra kundemøter i de ukene, eh, og det var ikke populært hos alle, men det var riktig.'],
  ['R1', 'Skjermet tid for superbrukere', 'Men lederen vår hadde sørget for at vi hadde fått færre kundemøter den perioden, så det gikk.'],
  ['FL2', 'Skjermet tid for superbrukere', 'Det er kanskje det jeg angrer mest på, at jeg ikke skjermet henne mer.'],
  ['R1', 'Skjermet tid for superbrukere', 'Hun sa rett ut at superbrukerrollen var en del av jobben vår, og ikke noe vi skulle gjøre i tillegg.'],
  ['FL1', 'Superbrukernettverk', 'Men etter at vi fikk superbrukerne inn i et eget nettverk, så ble det mye bedre.'],
  ['R1', 'Superbrukernettverk', 'Vi hadde et møte annenhver uke på Teams, og så hadde vi en egen kanal der vi kunne poste spørsmål.'],
  ['R1', 'Superbrukernettverk', 'Vi følte oss ikke alene.'],
  ['FG', 'Korte økter framfor lange kurs', 'Ti minutter før telefonene åpnet, der noen viste et triks eller en ting som var nytt.'],
  ['FG', 'Korte økter framfor lange kurs', 'Vi så at folk ikke hadde tid til lange kurs, så vi gjorde det heller kort og ofte. Ett tema om gangen.'],
  ['FG', 'Korte økter framfor lange kurs', 'Lær det bort i små biter', 'q-p1'],
  ['R2', 'E-læring gir lite', 'E-læringen var ikke noe for meg. Jeg klikket meg gjennom den, og så husket jeg ingenting.'],
  ['FL1', 'E-læring gir lite', 'Ingen sa noe om e-læringen, (ler) så det sier vel litt.'],
  ['R1', 'E-læring gir lite', 'Men den var ganske lang, og mange klikket seg bare gjennom den for å bli ferdige.'],
  ['FG', 'E-læring gir lite', 'Mye bedre enn fra e-læringen.'],
  ['FG', 'Lære av kolleger', 'Men jeg lærer mye av å sitte og høre på de andre.'],
  ['FG', 'Lære av kolleger', 'Sett nye folk sammen med noen som har vært her lenge.'],
  ['R1', 'Lære av kolleger', 'Jeg lærte henne systemet, og hun lærte meg mye om kundene.'],
  ['FG', 'Lære av kolleger', 'Altså, at en kollega viste hvordan hun gjorde det.'],
  ['FL2', 'Trening framfor presentasjoner', 'Vi hadde mange fine lysbilder, men folk lærer ikke et system av lysbilder. De lærer ved å gjøre.'],
  ['FL1', 'Trening framfor presentasjoner', 'Jeg tror jeg ville brukt mer tid på selve treningen, på å faktisk jobbe med ekte kundesituasjoner i øvingsmiljøet, og mindre tid på å snakke om hvorfor.'],
  ['R3', 'Trening framfor presentasjoner', 'First, more hands-on training earlier, and less presentation.'],
  ['FG', 'Tid og kø', 'Vi har jo kø hele tiden, og når det står tretti i kø, så er det ingen som føler at de har tid til å snu seg og spørre.'],
  ['FG', 'Tid og kø', 'Køen. Uten tvil.'],
  ['A', 'Tid og kø', 'Kommunen er ganske presset, og når du har for lite folk på jobb, så er det ingen som har overskudd til å lære noe nytt.'],
  ['FG', 'Tid og kø', 'Du skal lære nytt og være like rask samtidig.'],
  ['FG', 'Redd for å virke dum', 'Det er også litt det der at du ikke vil virke dum.'],
  ['R1', 'Redd for å virke dum', 'I en bank er det jo litt sånn kultur for at du skal være flink, ikke gjøre feil.'],
  ['A', 'Redd for å virke dum', 'Men det er også en kultur for å være forsiktig, for ikke å gjøre feil.'],
  ['R2', 'Erfarne lærer annerledes', 'Jeg tror de burde tenkt mer på oss som har jobbet lenge. Vi lærer på en annen måte enn de unge.'],
  ['R1', 'Erfarne lærer annerledes', 'En kollega hadde en perm med alle kundene sine, (ler) en fysisk perm, og den hadde hun hatt i femten år.'],
  ['FG', 'Erfarne lærer annerledes', 'Men jeg så at det var tøffere for de som hadde vært her lenge.'],
  ['A', 'Erfarne lærer annerledes', 'Jeg har sett mange eldre ansatte som er veldig flinke, og unge som sliter.'],
  ['R3', 'Språk som barriere', 'There was e-learning from the central project, which was in Norwegian, and that was a bit of a problem for me.'],
  ['R3', 'Språk som barriere', 'But all the internal guides and the templates for notes were in Norwegian,'],
  ['R3', 'Språk som barriere', 'So for a couple of weeks I registered the wrong people.'],
  ['FL2', 'Felles kundehistorikk', 'At det blir én felles historikk.'],
  ['FL1', 'Felles kundehistorikk', 'når det gjør at en kollega kan ta over en kunde uten at kunden må forklare alt på nytt, da gir det mening.'],
  ['R1', 'Felles kundehistorikk', 'Nå kan jeg åpne kunden før møtet og se hva vi snakket om sist,'],
  ['FL2', 'Dobbeltregistrering', 'Dobbeltregistrering er noe av det verste du kan be en rådgiver om', 'q-fl2'],
  ['FL2', 'Dobbeltregistrering', 'kredittsystemet snakket ikke med CRM de første månedene, så du måtte registrere ting to steder.'],
  ['R1', 'Dobbeltregistrering', 'Og da blir det jo dobbelt opp for rådgiverne.'],
  ['R3', 'Dobbeltregistrering', 'There was a period where the integration with the payments system was broken, and we had to register things twice.'],
  ['FL1', 'Rydding i kundedata', 'Så de første ukene brukte vi en del tid på å rette opp det.'],
  ['FL2', 'Rydding i kundedata', 'Vi brukte vel to måneder på å få det på plass. Det var kjedelig arbeid, men helt nødvendig.'],
  ['R1', 'Rydding i kundedata', 'det var mange dubletter (uhørbart) og gamle opplysninger.'],
  ['FL1', 'Rydding i kundedata', 'hvem som ryddet flest kunder på en uke. Det var kake til vinneren.'],
  ['FL1', 'Personvern i notater', 'skriv det som er nødvendig for saken, ikke mer. Ikke skriv ting du ikke ville vært komfortabel med at kunden leser.'],
  ['FL2', 'Personvern i notater', 'Ingen synsing, ingen karakteristikker av personer.'],
  ['FL1', 'Personvern i notater', 'Folk var redde for å gjøre feil, og da skrev de nesten ingenting.'],
  ['FL1', 'Felles minimum for notater', 'Hva kunden ønsket, hva vi avtalte, og hva som er neste steg. Tre ting.'],
  ['R1', 'Felles minimum for notater', 'Så vi ble enige på teamet om noen enkle regler.'],
  ['R2', 'Felles minimum for notater', 'En mal for korte notater.'],
  ['R1', 'Nytten blir synlig', 'Det var første gang jeg tenkte at okei, dette er faktisk bra.'],
  ['R2', 'Nytten blir synlig', 'Jeg var syk i tre uker i fjor høst, og da kunne kollegaene mine ta over kundene mine uten problemer. Før hadde det vært kaos. Da hadde de måttet ringe meg hjemme, eller ringe kundene og spørre. Nå sto alt der', 'q-r2-sick'],
  ['FL2', 'Nytten blir synlig', 'Det var en tøff start, men vi er på riktig vei.'],
  ['FG', 'Nytten blir synlig', 'Jeg ville ikke gått tilbake til det gamle.'],
  ['FL1', 'Nytten blir synlig', 'Og kunden sa noe sånn som «dere har jo virkelig orden på ting».'],
  ['FL1', 'Praktiske hindringer', 'Ofte har det vist seg at det er noe praktisk, at de ikke finner frem, eller at det tar for lang tid på mobilen når de er ute hos kunder.'],
  ['R1', 'Praktiske hindringer', 'Det kunne ta flere sekunder å åpne en kunde, og når du har en kunde i telefonen, så er det lenge.'],
  ['FG', 'Praktiske hindringer', 'Tilgangene var et problem for meg.'],
  ['R2', 'Praktiske hindringer', 'Og så er det noe med at alt tar litt lengre tid på mobilen.'],
  ['R1', 'Systemet husker for meg', 'Før hadde jeg gule lapper overalt, (ler) og noen av dem forsvant jo.'],
  ['R1', 'Systemet husker for meg', 'Det føles mer personlig, selv om det egentlig er systemet som husker.'],
  ['R2', 'Systemet husker for meg', 'Jeg skriver notater etter alle møter, og jeg legger inn oppfølgingsoppgaver.'],
  ['A', 'Digitalisering er mer enn nye skjemaer', 'Hvis vi tar et papirskjema og lager en PDF av det, så er det ikke digitalisering.'],
  ['A', 'Digitalisering er mer enn nye skjemaer', 'Ekte digitalisering er når vi spør hvorfor innbyggeren må fylle ut skjemaet i det hele tatt, når vi kanskje allerede har opplysningene.'],
  ['A', 'Forankring i hverdagen', 'Men forankring på papiret er én ting, forankring i hverdagen er noe annet.'],
  ['A', 'Forankring i hverdagen', 'Hvis enhetslederen ikke er med, så skjer det ingenting.'],
  ['A', 'Ledere må forstå teknologien', 'Lederne trenger ikke være teknologer, men de må forstå hva teknologien kan brukes til, og de må kunne lede folk gjennom endringen.', 'q-a'],
  ['A', 'Ledere må forstå teknologien', 'Andre ser på digitalisering som noe IT driver med.'],
  ['FL2', 'Hjemmekontor tvinger fram registrering', 'Så hjemmekontoret har på en måte tvunget frem registreringen.'],
  ['FL2', 'Hjemmekontor tvinger fram registrering', 'Når halve teamet sitter hjemme to dager i uka, så kan du ikke gå bort til pulten til noen og spørre hvordan det går med en kunde. Da må det stå i systemet.'],
];

// The second coder: many of anna's passages with the same code (agreement), some with another
// code (disagreement), some with other boundaries, and a few passages only he coded.
const BJORN = [
  ['FL1', 'Superbrukere som støtte', 'Vi fikk to superbrukere på teamet.'],
  ['R2', 'E-læring gir lite', 'E-læringen var ikke noe for meg. Jeg klikket meg gjennom den, og så husket jeg ingenting.'],
  ['FG', 'Korte økter framfor lange kurs', 'Lær det bort i små biter'],
  ['FL2', 'Dobbeltregistrering', 'Dobbeltregistrering er noe av det verste du kan be en rådgiver om'],
  ['R1', 'Lederen viser at hen ikke kan alt', 'Fordi hvis lederen kan spørre, så kan alle spørre'],
  ['FL1', 'Lederen bruker systemet selv', 'Hvis jeg ikke bruker det, så kommer ikke de andre til å bruke det heller'],
  ['R3', 'Lederen bruker systemet selv', 'Our team leader used it herself from day one.'],
  ['FL2', 'Felles gjennomgang i systemet', 'Vi innførte det vi kaller kundetavla. Hver torsdag går vi gjennom de ti viktigste bedriftskundene våre, rett fra CRM, på skjerm.'],
  ['R2', '«læring i sandkassa»', 'Vi kalte det «læring i sandkassa», for det var et sted der du kunne prøve uten at noe ble ødelagt.'],
  ['FL1', 'Skjermet tid for superbrukere', 'Jeg skjermet dem litt fra kundemøter i de ukene, eh, og det var ikke populært hos alle, men det var riktig.'],
  ['R1', 'Systemet husker for meg', 'Før hadde jeg gule lapper overalt, (ler) og noen av dem forsvant jo.'],
  ['FG', 'Tid og kø', 'Køen. Uten tvil.'],
  ['FL1', 'Rydding i kundedata', 'Så de første ukene brukte vi en del tid på å rette opp det.'],
  ['FL2', 'Tall som utgangspunkt, ikke fasit', 'Jeg bruker tallene som et utgangspunkt for samtaler, ikke som en fasit.'],
  ['R2', 'Aktivitetsmål som telling', 'Det føltes som om det ble telling i stedet for kvalitet.'],
  ['A', 'Digitalisering er mer enn nye skjemaer', 'Hvis vi tar et papirskjema og lager en PDF av det, så er det ikke digitalisering.'],
  ['R3', 'Språk som barriere', 'There was e-learning from the central project, which was in Norwegian, and that was a bit of a problem for me.'],
  ['FL1', 'Personvern i notater', 'skriv det som er nødvendig for saken, ikke mer. Ikke skriv ting du ikke ville vært komfortabel med at kunden leser.'],
  ['R2', 'Nytten blir synlig', 'Jeg var syk i tre uker i fjor høst, og da kunne kollegaene mine ta over kundene mine uten problemer.'],
  // same passage, another code
  ['FL1', 'Lederen bruker systemet selv', 'Så jeg satt der, og jeg gjorde feil, og jeg spurte superbrukerne om ting.'],
  ['FG', 'Lære av kolleger', 'Ti minutter før telefonene åpnet, der noen viste et triks eller en ting som var nytt.'],
  ['R1', 'Superbrukere som støtte', 'Hun sa rett ut at superbrukerrollen var en del av jobben vår, og ikke noe vi skulle gjøre i tillegg.'],
  ['FL2', 'Støtte ovenfra mangler', 'Banken sier at dette er viktig, men måler oss på det samme som før. Det er litt, eh, det sender doble signaler.'],
  ['R1', 'Felles kundehistorikk', 'Det var første gang jeg tenkte at okei, dette er faktisk bra.'],
  ['FG', 'Erfarne lærer annerledes', 'Det er også litt det der at du ikke vil virke dum.'],
  // other boundaries
  ['FL2', 'Trening framfor presentasjoner', 'Vi hadde mange fine lysbilder, men folk lærer ikke et system av lysbilder.'],
  ['FL1', '«lederen er en forutsetning, men ikke nok»', 'Så jeg tenker at lederen er en forutsetning, men ikke nok. Hvis lederen er negativ, så er det nesten umulig å lykkes.'],
  // only bjorn
  ['FL2', 'Åpen om feil og mangler', 'Hvis lederen sitter og klager over systemet, så er det fritt frem for alle.'],
  ['R3', 'Lederen bruker systemet selv', "You can't ask people to do something you don't do yourself, not in a team this small."],
  ['FG', 'Praktiske hindringer', 'Det hadde vært bedre med ett sted der alt lå.'],
  ['FG', 'Tid og kø', 'Og når du sitter på telefon hele dagen, så har du ikke tid til å lese tjue e-poster.'],
];

const codebook = readFileSync(join(demo, 'codebook.md'), 'utf8');
const codebookCodes = [...codebook.matchAll(/^\s*[-*+] \*\*(.+?)\*\*/gm)].map((m) => m[1]);
const problems = [];

function makeCodings(coder, spec, startTime) {
  const anchors = {};
  const codings = spec.map(([key, code, exact, anchor], i) => {
    const doc = docs[key];
    if (!doc) throw new Error(`unknown transcript key ${key}`);
    if (!codebookCodes.includes(code)) problems.push(`${coder}: code "${code}" is not in codebook.md`);
    const start = doc.text.indexOf(exact);
    if (start < 0) problems.push(`${coder}: not found in ${doc.path}: "${exact}"`);
    else if (doc.text.indexOf(exact, start + 1) >= 0) problems.push(`${coder}: occurs more than once in ${doc.path}: "${exact}"`);
    const end = start + exact.length;
    const id = BigInt('0x' + createHash('sha256').update(`${coder}\n${doc.path}\n${code}\n${start}\n${end}`).digest('hex').slice(0, 16))
      .toString(36).padStart(8, '0').slice(-8);
    const at = new Date(startTime + i * 97_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const coding = {
      id, doc: doc.path, start, end, code, exact,
      prefix: doc.text.slice(Math.max(0, start - 32), start),
      suffix: doc.text.slice(end, end + 32),
      coder, at,
    };
    if (anchor) anchors[anchor] = coding;
    return coding;
  });
  codings.sort((a, b) =>
    a.doc !== b.doc ? (a.doc < b.doc ? -1 : 1) : a.start !== b.start ? a.start - b.start : a.code !== b.code ? (a.code < b.code ? -1 : 1) : a.id < b.id ? -1 : 1);
  const ids = new Set(codings.map((c) => c.id));
  if (ids.size !== codings.length) problems.push(`${coder}: duplicate coding ids`);
  // One file per coder and transcript (.qda/codings/<coder>/<transcript>.jsonl), as the
  // extension writes them.
  for (const d of new Set(codings.map((c) => c.doc))) {
    outputs.set(`.qda/codings/${coder}/${d}.jsonl`, codings.filter((c) => c.doc === d).map((c) => JSON.stringify(c)).join('\n') + '\n');
  }
  return { codings, anchors };
}

const anna = makeCodings('anna', ANNA, Date.UTC(2026, 2, 2, 9, 0, 0));
const bjorn = makeCodings('bjorn', BJORN, Date.UTC(2026, 2, 9, 13, 0, 0));
const used = new Set([...anna.codings, ...bjorn.codings].map((c) => c.code));
const unused = codebookCodes.filter((c) => !used.has(c));

// --- the chapter ---------------------------------------------------------------------------
const a = (key) => {
  const c = anna.anchors[key];
  if (!c) throw new Error(`no anchored coding ${key}`);
  return `<!--qda:${c.id}-->`;
};
const chapter = `# 5 Funn

Kapittelet presenterer funnene etter de tre hovedtemaene i kodeboken: [[Ledelse av innføringen]],
[[Kompetanse og opplæring]] og [[Verktøy og kundedata]]. Sitatene er gjengitt ordrett, med (...)
der tekst er utelatt.

## 5.1 Lederen som rollemodell

Alle førstelinjelederne beskrev det å bruke systemet selv som det viktigste signalet de
kunne gi. FL1 formulerte det slik: «Hvis jeg ikke bruker det, så kommer ikke de andre til
å bruke det heller» (FL1)${a('q-fl1')}. Rådgiverne bekreftet bildet. R1 pekte på at lederens åpenhet om
egne feil gjorde det lettere å spørre: «Fordi hvis lederen kan spørre, så kan alle spørre» (R1)${a('q-r1')}.

Samtidig nyanserte lederne sin egen betydning, noe koden [[«lederen er en forutsetning, men ikke nok»]]
fanger opp:

> Hvis lederen er negativ, så er det nesten umulig å lykkes. Hvis lederen er positiv, så har man en god sjanse, men man må fortsatt gjøre jobben. (FL1)${a('q-fl1-block')}

Også informanten som ble intervjuet på engelsk, la vekt på dette: «If something isn't in
the system, it doesn't exist in the meeting» (R3)${a('q-r3')}.

## 5.2 Tid, mål og doble signaler

Lederne opplevde at banken kommuniserte at CRM var viktig, uten å endre hva de ble målt
på ([[Doble signaler]]). Manglende integrasjoner forsterket inntrykket: «Dobbeltregistrering er noe av det
verste du kan be en rådgiver om» (FL2)${a('q-fl2')}. R2 beskrev hvordan lederen balanserte krav og
tålmodighet: «Hun sa at det er lov å bruke tid, men det er ikke lov å la være» (R2)${a('q-r2')}.

## 5.3 Når nytten blir synlig

Flere informanter knyttet vendepunktet til en konkret hendelse der en kollega tok over
en kunde ([[Nytten blir synlig]]): «Jeg var syk i tre uker i fjor høst, og da kunne kollegaene mine ta over kundene
mine uten problemer. (...) Nå sto alt der» (R2)${a('q-r2-sick')}. Funnet kan leses i lys av opplevd nytte
i [[Davis 1989]].

I fokusgruppen var rådet til andre avdelinger kort: «Lær det bort i små biter» (P1)${a('q-p1')}.
Læringen skjedde i stor grad mellom kolleger og gjennom superbrukerne, i tråd med
[[Wenger 1998]] om læring i praksisfellesskap. Informant A fra kommunestudien trakk en
lignende konklusjon om ledere i kommunal sektor:

> Lederne trenger ikke være teknologer, men de må forstå hva teknologien kan brukes til, og de må kunne lede folk gjennom endringen. (Informant A)${a('q-a')}
`;
outputs.set('chapters/kapittel-5-funn.md', chapter);

// --- write or check -----------------------------------------------------------------------
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
let stale = 0;
for (const [rel, text] of outputs) {
  const abs = join(demo, rel);
  const current = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    console.error(`out of date: examples/demo-thesis/${rel}`);
    stale++;
  } else {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}
// Codings files the build no longer makes (an earlier layout, a transcript gone) are stale too.
const codingsDir = join(demo, '.qda/codings');
for (const rel of existsSync(codingsDir) ? readdirSync(codingsDir, { recursive: true }) : []) {
  const demoRel = `.qda/codings/${rel}`;
  if (!demoRel.endsWith('.jsonl') || outputs.has(demoRel)) continue;
  if (check) {
    console.error(`not built by this script: examples/demo-thesis/${demoRel}`);
    stale++;
  } else rmSync(join(codingsDir, rel));
}
if (check && stale) process.exit(1);
console.log(
  `${Object.keys(docs).length} transcripts, anna ${anna.codings.length} codings, bjorn ${bjorn.codings.length} codings, ` +
    `${codebookCodes.length} codes in codebook.md${unused.length ? `; unused: ${unused.join(', ')}` : ''}${check ? ' (up to date)' : ''}`,
);
