/**
 * The page's charts, drawn with uPlot (the one module that imports it): canvas, no dependencies, 50 kB, fast on
 * thousands of points. Each chart is a <figure> with a caption and a text description for screen readers; times are
 * shown in the report's time zone, not the viewer's.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { count, el, type Format, themeColour } from './dom.js';

/** Okabe–Ito (told apart with the common colour-blindnesses) and a grey. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];

/** The 9th feature on takes the palette again, dashed (the 17th, dotted), so no two lines look the same. */
function dashOf(index: number): number[] | undefined {
  const round = Math.floor(index / PALETTE.length);
  return round === 0 ? undefined : round === 1 ? [8, 4] : [2, 3];
}

export interface Line {
  readonly label: string;
  /** What is drawn (a stacked line: the sum up to it). */
  readonly values: readonly (number | null)[];
  /** What its legend shows, when not `values` (a stacked line's own part). */
  readonly own?: readonly (number | null)[];
  /** Its colour: an index into the palette (features keep theirs on every chart). */
  readonly colour: number;
  readonly fill?: boolean;
  readonly bars?: boolean;
  readonly dash?: readonly number[];
  readonly width?: number;
  /** On the right-hand axis (rightFormat). */
  readonly right?: boolean;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** What the chart shows, for screen readers (and printed nowhere). */
  readonly description: string;
  /** Unix seconds. */
  readonly times: readonly number[];
  readonly lines: readonly Line[];
  readonly format: Format;
  readonly rightFormat?: Format;
}

const HEIGHT = 220;
const bars = (uPlot.paths.bars as NonNullable<typeof uPlot.paths.bars>)({ size: [0.8, 40] });
/** Counts are ticked at whole numbers only. */
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6, 1e7];

export class Charts {
  private readonly plots: { plot: uPlot; figure: HTMLElement }[] = [];

  constructor(
    private readonly host: HTMLElement,
    private readonly timeZone: string,
  ) {}

  clear(): void {
    for (const { plot } of this.plots.splice(0)) plot.destroy();
    this.host.replaceChildren();
  }

  draw(spec: ChartSpec): void {
    const figure = el('figure', { id: spec.id, role: 'group', 'aria-label': spec.title, 'aria-describedby': `${spec.id}-text` }, el('figcaption', {}, spec.title), el('p', { class: 'sr-only', id: `${spec.id}-text` }, spec.description));
    this.host.append(figure);
    const series: uPlot.Series[] = [{}];
    for (const line of spec.lines) {
      const colour = PALETTE[line.colour % PALETTE.length] as string;
      const own = line.own ?? line.values;
      const format = line.right === true ? (spec.rightFormat ?? spec.format) : spec.format;
      const dash = line.dash ?? dashOf(line.colour);
      series.push({
        label: line.label,
        stroke: colour,
        width: line.width ?? 1.5,
        ...(line.fill === true || line.bars === true ? { fill: line.bars === true ? `${colour}cc` : colour } : {}),
        ...(dash === undefined ? {} : { dash: [...dash] }),
        ...(line.bars === true ? { paths: bars, points: { show: false } } : {}),
        ...(line.right === true ? { scale: 'right' } : {}),
        value: (_plot, _value, _series, index) => (index == null ? '—' : format(own[index])),
      });
    }
    const options: uPlot.Options = {
      width: widthOf(figure),
      height: HEIGHT,
      series,
      axes: axes(spec),
      // Every y axis from 0: a bar or a rate read against its floor.
      scales: { x: { time: true }, y: { range: fromZero }, ...(spec.rightFormat === undefined ? {} : { right: { range: fromZero } }) },
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), this.timeZone),
    };
    const data = [spec.times, ...spec.lines.map((line) => line.values)] as unknown as uPlot.AlignedData;
    // What each line shows, for tests and scripts reading the page: the times (Unix s) and each line's own values.
    figure.dataset['values'] = JSON.stringify({ times: spec.times, lines: spec.lines.map((line) => ({ label: line.label, values: line.own ?? line.values })) });
    this.plots.push({ plot: new uPlot(options, data, figure), figure });
  }

  /** Every chart fitted to its box again (the window resized, or the page is printed). */
  fit(): void {
    for (const { plot, figure } of this.plots) plot.setSize({ width: widthOf(figure), height: HEIGHT });
  }
}

function fromZero(_plot: uPlot, _min: number | null, max: number | null): uPlot.Range.MinMax {
  return [0, max != null && max > 0 ? max * 1.05 : 1];
}

function widthOf(figure: HTMLElement): number {
  return Math.max(280, figure.clientWidth - 24);
}

function axes(spec: ChartSpec): uPlot.Axis[] {
  const stroke = themeColour('--fg');
  const grid = themeColour('--grid');
  const y = (format: Format, side?: 1): uPlot.Axis => ({
    stroke,
    grid: side === undefined ? { stroke: grid } : { show: false },
    ticks: { stroke: grid },
    size: 64,
    values: (_plot, values) => values.map((value) => format(value)),
    ...(format === count ? { incrs: WHOLE } : {}),
    ...(side === undefined ? {} : { side, scale: 'right' }),
  });
  return [{ stroke, grid: { stroke: grid }, ticks: { stroke: grid } }, y(spec.format), ...(spec.rightFormat === undefined ? [] : [y(spec.rightFormat, 1)])];
}
