#!/usr/bin/env bash
# The main job until the sync server exists: a scripted walk through the dossier cycle with
# the device CLI. A pupil's two phones work offline, hand their changes over as bundle files
# (as over a cable or the school PC) and end with identical dossiers.
#   tools/demo.sh BUILD_DIR [WORK_DIR]
set -euo pipefail
build=${1:?usage: tools/demo.sh BUILD_DIR [WORK_DIR]}
cli="$(cd "$build" && pwd)/tools/werkex/werkex"
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/werkex-demo-XXXXXX")}
mkdir -p "$work"
cd "$work"
rm -f phone-*.db* *.bundle

pupil=0190a000-0000-7000-8000-00000000005e   # Sem, a pupil in vmbo year 2
say() { printf '\n== %s\n' "$*"; }
A() { "$cli" --db phone-a.db "$@"; }
B() { "$cli" --db phone-b.db "$@"; }

say "Sem sets up two phones (his own and the family tablet)"
A init --user $pupil --role pupil >/dev/null
B init --user $pupil --role pupil >/dev/null
A status

say "Sem plans a taster placement, with why he chose it"
act=$(A activity --kind snuffelstage --title "Een dag in de keuken van Bistro Noord" \
  --builds-on "Ik kook thuis vaak voor mijn broertjes" \
  --expected-yield "Weten of ik tegen de drukte in een keuken kan" \
  --use-of-yield "Kiezen tussen horeca en bakkerij in leerjaar 3")
A prepare --activity "$act" --want-to-find-out "Hoe laat begint de dag? Wat doet een commis?" \
  --verb leren --verb uitproberen >/dev/null
A cycle "$act"

say "Phone A hands its changes to phone B (a bundle file)"
A export --out a1.bundle
B import a1.bundle

say "Offline at the workplace: both phones are used, and both change the title"
e1=$(A experience --activity "$act" --note "Ik mocht zelf de saus maken" --emotion trots)
A put --json "{\"id\": \"$act\", \"title\": \"Snuffelstage Bistro Noord\"}" >/dev/null
e2=$(B experience --activity "$act" --note "De chef legde uit hoe de planning werkt" --emotion nieuwsgierig)
B put --json "{\"id\": \"$act\", \"title\": \"Keukendag Bistro Noord\", \"competencies\": [\"werkexploratie\"]}" >/dev/null

say "Back home the phones exchange bundles (in both directions, one of them twice)"
A export --since 0 --out a2.bundle
B export --since 0 --out b2.bundle
A import b2.bundle >/dev/null
B import a2.bundle >/dev/null
B import a2.bundle >/dev/null
if cmp -s <(A dump) <(B dump); then echo "dumps identical: the phones have converged"; else echo "dumps differ"; exit 1; fi

say "The title conflict is visible, not silent"
A get "$act" | grep -A6 '_conflicts' || true

say "With his mentor, Sem reflects and chooses a next step"
refl=$(A reflect --experience "$e1" --experience "$e2" --with mentor --quality "nauwkeurig" \
  --motive "samenwerken" --rule ruimte_geven --rule inzoomen \
  --red-thread "Ik werk graag met mijn handen, samen met anderen")
A next-step --reflection "$refl" --description "Een dag meelopen in een bakkerij" --direction verbreden >/dev/null
A cycle "$act"

say "What to do next"
cat <<TEXT
The two phones' databases are in $work (phone-a.db, phone-b.db). Try:
  $cli --db $work/phone-a.db list experience
  $cli --db $work/phone-a.db dump
  $cli help
Run every test:  tools/dev test     Benchmarks:  tools/dev bench
TEXT
