# The shell environment's recipe: wait, then write the number the scorer reports.
VALUE=1
SLEEP=0
sleep "$SLEEP"
echo "$VALUE" > "$EMPIRIC_OUT/value.txt"
