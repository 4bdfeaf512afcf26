#!/usr/bin/env bash
# Regenerates every prompt WAV under ivr-scripts/prompts/ (8 kHz, mono, 16-bit PCM) with
# espeak-ng (-v cmn for Mandarin, -v en for English) and sox. Run from anywhere:
#   ivr-scripts/make-prompts.sh
# Needs: espeak-ng, sox. The output is deterministic enough to commit; keep phrases short.
set -euo pipefail
cd "$(dirname "$0")"
out=prompts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# say <voice> <file-under-prompts> <text>
say() {
  local voice=$1 file=$2 text=$3
  mkdir -p "$(dirname "$out/$file")"
  # espeak-ng's Mandarin is slow at the default rate; speak it a little faster.
  local speed=175
  [ "$voice" = cmn ] && speed=210
  espeak-ng -v "$voice" -s "$speed" -w "$tmp/raw.wav" "$text"
  # -G guards against clipping while resampling; trim leading/trailing silence a little.
  sox -G -D -V1 "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$out/$file" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0.05 0.1
}

# prompt <name> <mandarin text> <english text>
prompt() {
  say cmn "zh/$1.wav" "$2"
  say en "en/$1.wav" "$3"
}

rm -rf "$out"
mkdir -p "$out/zh" "$out/en"

# --- greeting and main lanes -------------------------------------------------------------
# The greeting is all a silent caller hears before the queue (issue 14: queued within 5 s of
# answer), so each greeting stays at or under ~2.3 s; tests/Telephony.Ivr.Tests measures the WAVs.
prompt greeting         "您好，一二三四五。" "Hello, one two three four five."
prompt holiday-greeting "您好，节日快乐。" "Hello, and happy holidays."
prompt leaders-greeting "今天领导接听。" "Today the leaders answer your calls."
# The English choice is announced in English in both languages: the caller who needs it
# does not understand the Mandarin greeting.
say en zh/for-english.wav "For English, press 9."
say en en/for-english.wav "For English, press 9."
# Only for callers who pressed a key during the greeting.
prompt main-options   "人工服务按0，出租车按1，合作热线按2，交通信息按3。" \
                      "For an agent press 0. Taxi drivers 1, partner hotlines 2, traffic information 3."
prompt connecting     "正在为您转接人工服务，请稍候。" "Please hold, we are connecting you to an agent."
prompt taxi-lane      "出租车司机专线，正在为您转接。" "Taxi driver line. Connecting you now."
prompt deputy-lane    "人大代表政协委员专线，正在为您转接。" "Deputies line. Connecting you now."

# --- partner hotlines -------------------------------------------------------------------
prompt partner-menu   "法律援助按1，青少年维权按2，检察服务按3，慈善按4，台胞按5，返回按星号。" \
                      "Legal aid press 1. Youth rights press 2. Procuratorate press 3. Charity press 4. Taiwan compatriots press 5. Star to go back."
prompt partner-connecting "正在为您转接合作热线。" "Connecting you to the partner hotline."
prompt partner-closed "该热线现在不在服务时间，为您转接人工服务。" "That hotline is closed now. Connecting you to an agent."

# --- traffic information ------------------------------------------------------------------
prompt traffic-menu   "高速公路路况请按1，长途汽车时刻请按2，人工服务请按0。" \
                      "Highway conditions press 1. Long distance bus times press 2. For an agent press 0."
prompt bus-ask-route  "请输入线路编号，以井号键结束。" "Enter the route number, then press hash."
prompt bus-not-found  "没有找到该线路。" "That route was not found."
prompt info/highway-today "今日全市高速公路通行正常。" "All highways around the city are open today."
prompt info/bus-101   "101路开往机场，每30分钟一班。" "Route 101 to the airport leaves every 30 minutes."
prompt info/bus-202   "202路开往省城，每小时一班。" "Route 202 to the provincial capital leaves every hour."
prompt info/bus-303   "303路开往港口，早7点到晚7点。" "Route 303 to the harbour runs from 7 am to 7 pm."

# --- errors and endings -----------------------------------------------------------------
prompt invalid        "输入有误。" "Sorry, that is not a valid choice."
prompt no-input       "没有收到您的输入。" "We did not receive your input."
prompt goodbye        "感谢您的来电，再见。" "Thank you for calling. Goodbye."

# --- callback in the queue (a queue step's callback-after) -------------------------------
prompt callback-offer     "等候时间较长，按1号键，我们将回电给您，并为您保留排队位置。" \
                          "The wait is long. Press 1 and we will call you back. You keep your place in line."
prompt callback-confirmed "好的，轮到您时我们会回电，您现在可以挂机。" "Thank you. We will call you back when it is your turn. You may hang up now."

# --- post-call survey --------------------------------------------------------------------
prompt survey-ask     "请为本次服务打分，1到5分，5分为非常满意。" "Please rate this call from 1 to 5. 5 means very satisfied."
prompt survey-thanks  "感谢您的评价，再见。" "Thank you for your feedback. Goodbye."

# --- queue position: "you are number N in the queue" -------------------------------------
prompt queue-you-are  "您排在第" "You are number"
prompt queue-in-queue "位。" "in the queue."
# "... the expected wait is about N minutes" (said with the position when it is 30 s or more).
prompt queue-wait-about "预计等待约" "The expected wait is about"
prompt queue-minutes  "分钟。" "minutes."
# The queue's end (issue 14): a full queue refuses; a wait at the queue's maximum ends politely.
prompt queue-full     "很抱歉，当前来电较多，请稍后再拨。感谢您的来电。" "Sorry, all our lines are busy. Please call again later. Thank you for calling."
prompt queue-sorry    "很抱歉，暂时无法为您接通人工服务，请稍后再拨。感谢您的耐心等待。" "Sorry, no agent could take your call. Please call again later. Thank you for waiting."
zh_digits=(零 一 二 三 四 五 六 七 八 九)
en_words=(zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
          fifteen sixteen seventeen eighteen nineteen)
for n in 0 1 2 3 4 5 6 7 8 9; do say cmn "zh/num/$n.wav" "${zh_digits[$n]}"; done
say cmn zh/num/10.wav "十"
say cmn zh/num/100.wav "百"
say cmn zh/num/2-liang.wav "两"
for n in $(seq 0 19); do say en "en/num/$n.wav" "${en_words[$n]}"; done
tens=(x x twenty thirty forty fifty sixty seventy eighty ninety)
for t in 2 3 4 5 6 7 8 9; do say en "en/num/${t}0.wav" "${tens[$t]}"; done
say en en/num/100.wav "hundred"

# --- music on hold: a slow I-vi-IV-V progression, eight 2.5 s chords (~20 s) ------------
chord() { # chord <file> <f1> <f2> <f3>
  sox -D -n -r 8000 -c 3 -b 16 "$tmp/c3.wav" synth 2.5 sine "$2" sine "$3" sine "$4"
  sox -D "$tmp/c3.wav" -r 8000 -c 1 -b 16 "$1" remix 1-3 fade q 0.4 2.5 0.6 vol 0.6
}
chord "$tmp/m1.wav" 261.63 329.63 392.00   # C
chord "$tmp/m2.wav" 220.00 261.63 329.63   # Am
chord "$tmp/m3.wav" 174.61 220.00 261.63   # F
chord "$tmp/m4.wav" 196.00 246.94 293.66   # G
chord "$tmp/m5.wav" 261.63 329.63 392.00   # C
chord "$tmp/m6.wav" 164.81 196.00 246.94   # Em
chord "$tmp/m7.wav" 174.61 220.00 261.63   # F
chord "$tmp/m8.wav" 196.00 246.94 293.66   # G
sox -D "$tmp"/m{1,2,3,4,5,6,7,8}.wav -r 8000 -c 1 -b 16 -e signed-integer "$out/moh.wav"

echo "prompts written: $(find "$out" -name '*.wav' | wc -l) files, $(du -sh "$out" | cut -f1)"
