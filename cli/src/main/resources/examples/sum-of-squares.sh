# The demo's distributed program for containers of a busybox image (the same as SumOfSquares.java,
# in busybox sh): each rank sums the squares of its share of 1..N, the other ranks send their
# partial sums to rank 0 over TCP at CORRAL_HEAD_ADDR (retrying until it listens), and rank 0
# adds them up and prints the total. 64-bit shell arithmetic holds the sum up to N of about 3 million.
N=${N:-1000000}
rank=$CORRAL_RANK
world=$CORRAL_WORLD_SIZE
partial=0
i=$((rank + 1))
while [ $i -le $N ]; do
  partial=$((partial + i * i))
  i=$((i + world))
done
echo "rank $rank/$world partial sum $partial"
if [ "$rank" = 0 ]; then
  total=$partial
  received=1
  while [ $received -lt $world ]; do
    # -e: a program on the connection reads the message to its end (a plain `nc -l`, its own input
    # empty, may exit before it reads what came).
    nc -l -p "$CORRAL_HEAD_PORT" -e sh -c 'cat > /tmp/message'
    message=$(cat /tmp/message)
    echo "received partial sum ${message##* } from rank ${message%% *}"
    total=$((total + ${message##* }))
    received=$((received + 1))
  done
  echo "RESULT sum of squares 1..$N = $total"
else
  attempts=0
  until echo "$rank $partial" | nc "${CORRAL_HEAD_ADDR%:*}" "${CORRAL_HEAD_ADDR##*:}" 2>/dev/null; do
    attempts=$((attempts + 1))
    [ $attempts -ge 600 ] && echo "rank 0 never listened at $CORRAL_HEAD_ADDR" && exit 1
    sleep 0.2
  done
  echo "rank $rank sent its partial sum to $CORRAL_HEAD_ADDR"
fi
