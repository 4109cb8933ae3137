# Lines: throughput and p99 latency of each proxy at 16, 256 and 2,048 keep-alive connections.
# run.sh passes datafile (connections, k req/s of Portcullis, HAProxy, nginx, then their p99 in
# ms; tab-separated) and out.
set terminal pngcairo size 1100,460 font "Sans,10"
set output out
set datafile separator "\t"
set datafile missing "NaN"
set multiplot layout 1,2 title "Concurrency sweep: keep-alive, 100 B"
set logscale x 2
set xtics ("16" 16, "256" 256, "2,048" 2048)
set xrange [12:2800]
set xlabel "connections"
set grid
set key bottom left
set ylabel "thousand requests/s"
set yrange [0:*]
plot datafile using 1:2 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "Portcullis", \
     '' using 1:3 with linespoints lw 2 pt 5 lc rgb "#ff7f0e" title "HAProxy", \
     '' using 1:4 with linespoints lw 2 pt 9 lc rgb "#2ca02c" title "nginx"
set ylabel "p99 latency, ms"
set yrange [*:*]
set logscale y
set key top left
plot datafile using 1:5 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "Portcullis", \
     '' using 1:6 with linespoints lw 2 pt 5 lc rgb "#ff7f0e" title "HAProxy", \
     '' using 1:7 with linespoints lw 2 pt 9 lc rgb "#2ca02c" title "nginx"
unset multiplot
