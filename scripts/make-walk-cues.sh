#!/usr/bin/env bash
# Makes the spoken cue clips of the guided walk's audio track (crates/amble-web/assets/walk/).
# Run by hand when the words change; the clips are committed, so building Amble needs none of
# these tools. Needs Debian's espeak-ng, sox and lame (apt-get install espeak-ng sox lame).
#
# Every clip is MPEG-2 Layer III, 24 kHz, mono, 24 kbit/s constant bit rate, with no bit
# reservoir (--nores) and no header frame (-t): each frame is 72 bytes, lasts 24 ms and decodes
# on its own, so the server can put a clip anywhere among its silent frames (docs/web.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/amble-web/assets/walk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

beep() { # beep FILE HZ
  sox -n -r 24000 -c 1 -b 16 "$1" synth 0.22 sine "$2" fade q 0.01 0.22 0.05 vol 0.6
}
beep "$tmp/lo.wav" 660
beep "$tmp/hi.wav" 880
sox -n -r 24000 -c 1 -b 16 "$tmp/gap.wav" trim 0 0.12

clip() { # clip NAME "BEEPS" "WORDS"
  local name=$1 beeps=$2 words=$3 parts=()
  for b in $beeps; do parts+=("$tmp/$b.wav" "$tmp/gap.wav"); done
  espeak-ng -v en-gb -s 150 -w "$tmp/$name-words.wav" "$words"
  sox "$tmp/$name-words.wav" -r 24000 -b 16 "$tmp/$name-words24.wav"
  sox "${parts[@]}" "$tmp/$name-words24.wav" "$tmp/$name.wav" norm -1
  lame --quiet --nores -t --cbr -b 24 -m m --resample 24 "$tmp/$name.wav" "$out/$name.mp3"
}

clip start "hi" "Start walking, at an easy pace."
clip rest "hi lo" "Time to rest. Sit down, or lean forward."
clip again "hi" "Walk again, at an easy pace."
clip done "lo hi hi" "Walk finished. Well done."
ls -l "$out"
