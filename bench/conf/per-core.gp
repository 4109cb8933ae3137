# Bars: requests per proxy-core second of each proxy relative to HAProxy, one group per
# scenario. run.sh passes datafile (label, Portcullis, nginx, HAProxy; tab-separated) and out.
set terminal pngcairo size 1100,560 font "Sans,10"
set output out
set datafile separator "\t"
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set grid ytics
set key top right
set title "Requests per proxy-core second, relative to HAProxy in the same run"
set ylabel "HAProxy = 1"
set xtics rotate by -15 scale 0 nomirror
set bmargin 7
set rmargin 10
set label 1 "no bar: not measured for that proxy (see RESULTS.md)" at graph 0.01, graph 0.96 font ",9"
plot datafile using 2:xtic(1) title "Portcullis" lc rgb "#1f77b4", \
     '' using 3 title "nginx" lc rgb "#2ca02c", \
     '' using 4 title "HAProxy" lc rgb "#ff7f0e"
