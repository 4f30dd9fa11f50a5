import { useEffect, useRef } from 'preact/hooks';

export interface Series {
  label: string;
  color: string;
}

/**
 * A uPlot line chart over time: `data` is [x seconds, one array per series] (null = a gap).
 * uPlot is imported when a chart first mounts, so it stays out of the first load.
 */
export function Chart({
  data,
  series,
  label,
  unit,
}: {
  data: Array<Array<number | null>>;
  series: Series[];
  label: string;
  unit: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: { destroy(): void } | undefined;
    let gone = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (gone || !box.current) return;
      plot = new UPlot(
        {
          width: box.current.clientWidth,
          height: 220,
          series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
          axes: [{}, { label: unit }],
        },
        data as [number[], ...Array<Array<number | null>>],
        box.current,
      );
    });
    return () => {
      gone = true;
      plot?.destroy();
    };
  }, [data]);
  return <div class="chart" ref={box} aria-label={label} role="img" />;
}
