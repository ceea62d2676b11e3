import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SEGMENT_DIMENSIONS, VITALS, type OverviewView, type SegmentsView, type VitalName } from '@parallax/contracts';
import { baselineWindows, changePct, mergeAll, p75Of, segmentRows, sparklineP75, vitalShares, type SegmentSample } from '@parallax/detect';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { DomainError } from '../common/domain-error';
import { SitesService } from '../sites/sites.service';
import { OverviewQueryDto, RouteVitalQueryDto } from './views.dto';
import { ViewsRepository } from './views.repository';

const HOUR_MS = 3_600_000;
const MAX_RANGE_MS = 31 * 24 * HOUR_MS;
/** Sparkline points per route (about one per bucket). */
const SPARK_POINTS = 48;

function range(q: { from?: string; to?: string }, defaultMs: number): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - defaultMs);
  if (from >= to) throw new DomainError('validation_failed', 'from: must be before to', { field: 'from' });
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new DomainError('validation_failed', 'from: range longer than 31 days', { field: 'from' });
  return { from, to };
}

/** Read endpoints shaped for the dashboard's screens; the numbers come from libs/detect's vital-views. */
@ApiTags('views')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/sites/:siteId/views')
export class ViewsController {
  constructor(
    private readonly sites: SitesService,
    private readonly repo: ViewsRepository,
  ) {}

  @Get('overview')
  @ApiOperation({ summary: "Each route's p75 per vital with good / needs improvement / poor shares, page views and a p75 sparkline" })
  async overview(@Param('siteId') siteId: string, @Query() q: OverviewQueryDto): Promise<OverviewView> {
    await this.sites.require(siteId);
    const { from, to } = range(q, 24 * HOUR_MS);
    const [rows, last] = await Promise.all([this.repo.routeVitals(siteId, VITALS, from, to), this.repo.lastDataAt(siteId)]);
    const bucketMinutes = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 60_000 / SPARK_POINTS));
    const byRoute = new Map<string, Map<string, typeof rows>>();
    for (const r of rows) {
      let metrics = byRoute.get(r.route);
      if (!metrics) byRoute.set(r.route, (metrics = new Map()));
      const list = metrics.get(r.metric);
      if (list) list.push(r);
      else metrics.set(r.metric, [r]);
    }
    const routes = [...byRoute].map(([route, metrics]) => {
      const vitals = VITALS.map((metric: VitalName) => {
        const list = metrics.get(metric) ?? [];
        const sketch = mergeAll(list.map((r) => r.sketch));
        return {
          metric,
          count: sketch.count,
          p75: p75Of(sketch),
          shares: vitalShares(metric, sketch),
          sparkline: sparklineP75(list, from.getTime(), to.getTime(), bucketMinutes),
        };
      });
      // Every page view reports TTFB and FCP; INP and CLS only some: the largest count is the page views.
      return { route, pageViews: Math.max(...vitals.map((v) => v.count)), vitals };
    });
    routes.sort((a, b) => b.pageViews - a.pageViews);
    return {
      siteId,
      from: from.toISOString(),
      to: to.toISOString(),
      bucketMinutes,
      pageViews: routes.reduce((n, r) => n + r.pageViews, 0),
      routes,
      lastDataAt: last ? last.toISOString() : null,
    };
  }

  @Get('segments')
  @ApiOperation({ summary: 'For a route and vital: per segment value, share of page views, p75, baseline p75 and change' })
  async segments(@Param('siteId') siteId: string, @Query() q: RouteVitalQueryDto): Promise<SegmentsView> {
    await this.sites.require(siteId);
    const { from, to } = range(q, HOUR_MS);
    let base = baselineWindows(from.getTime(), to.getTime());
    const windows = (b: typeof base) => b.windows.map((w) => ({ from: new Date(w.fromMs), to: new Date(w.toMs) }));
    const [current, firstBaseline] = await Promise.all([
      this.repo.segmentSketches(siteId, q.route, q.metric, [{ from, to }]),
      this.repo.segmentSketches(siteId, q.route, q.metric, windows(base)),
    ]);
    let baseline = firstBaseline;
    if (!baseline.length && base.mode === 'previous_days') {
      // A site younger than a day has no same hours yesterday: compare with the window just before instead.
      base = { mode: 'prior_window', windows: [{ fromMs: 2 * from.getTime() - to.getTime(), toMs: from.getTime() }] };
      baseline = await this.repo.segmentSketches(siteId, q.route, q.metric, windows(base));
    }
    const all = (list: typeof current) => list.filter((r) => r.dim === 'all');
    const totalNow = mergeAll(all(current).map((r) => r.sketch));
    const totalBase = mergeAll(all(baseline).map((r) => r.sketch));
    const pageViews = all(current).reduce((n, r) => n + r.count, 0);
    const seg = (list: typeof current) => list.filter((r): r is SegmentSample & typeof r => r.dim !== 'all') as SegmentSample[];
    const p75 = p75Of(totalNow);
    const baselineP75 = p75Of(totalBase);
    return {
      siteId,
      route: q.route,
      metric: q.metric,
      from: from.toISOString(),
      to: to.toISOString(),
      baseline: base.mode,
      total: { pageViews, p75, baselineP75, changePct: changePct(p75, baselineP75) },
      dimensions: SEGMENT_DIMENSIONS.map((dim) => ({ dim, rows: segmentRows(dim, seg(current), seg(baseline), pageViews) })),
    };
  }

  @Get('lab')
  @ApiOperation({ summary: 'Lab values of a route and vital per synthetic run, with its location (one line per location)' })
  async lab(@Param('siteId') siteId: string, @Query() q: RouteVitalQueryDto) {
    await this.sites.require(siteId);
    const { from, to } = range(q, 24 * HOUR_MS);
    const rows = await this.repo.labPoints(siteId, q.route, q.metric, from, to);
    const byLocation = new Map<string, { at: string; value: number; runId: string }[]>();
    for (const r of rows) {
      const list = byLocation.get(r.location) ?? [];
      list.push({ at: r.at.toISOString(), value: Number(r.value), runId: r.runId });
      byLocation.set(r.location, list);
    }
    return { route: q.route, metric: q.metric, locations: [...byLocation].map(([location, points]) => ({ location, points })) };
  }
}
