import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { buildLoaderTag, loadSnippetBundles, renderSiteScript, type SnippetBundles } from '@parallax/snippet';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { SitesService } from '../sites/sites.service';
import { SiteCacheService } from './site-cache.service';
import { AdminOnly } from '../common/auth';
import { UuidParam } from '../common/uuid';

const SCRIPT_PREFIX = '/_p/s';
const YEAR_SECONDS = 31_536_000;
const UNVERSIONED_MAX_AGE_SECONDS = 300;

/** Serves the per-site snippet (long-cached under a versioned URL) and the copy-paste tag. */
@Controller()
export class SnippetController {
  private bundles: SnippetBundles | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sites: SitesService,
    private readonly siteCache: SiteCacheService,
  ) {}

  private loadBundles(): SnippetBundles {
    try {
      this.bundles ??= loadSnippetBundles();
      return this.bundles;
    } catch (error) {
      throw new DomainError('unavailable', (error as Error).message);
    }
  }

  private baseUrl(request: FastifyRequest): string {
    return this.config.publicUrl ?? `${request.protocol}://${request.headers.host ?? `localhost:${this.config.port}`}`;
  }

  /** Content version of a site's script: changes with the bundle, the endpoint and the sampling rate. */
  private version(bundleHash: string, endpoint: string, samplingRate: number): string {
    return createHash('sha256').update(`${bundleHash}|${endpoint}|${samplingRate}`).digest('hex').slice(0, 12);
  }

  @Get(`${SCRIPT_PREFIX}/:file`)
  @ApiExcludeEndpoint()
  async script(@Param('file') file: string, @Query('v') v: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const match = /^([A-Za-z0-9_-]{8,64})(\.a)?\.js$/.exec(file);
    if (!match) throw new DomainError('not_found', 'No such script');
    const site = await this.siteCache.byKey(match[1]);
    if (!site) throw new DomainError('unknown_site_key', `Unknown site key ${match[1]}`);
    const bundles = this.loadBundles();
    const attribution = Boolean(match[2]);
    const endpoint = `${this.baseUrl(request)}${this.config.collectPath}`;
    const version = this.version(attribution ? bundles.attributionHash : bundles.coreHash, endpoint, site.samplingRate);
    const body = renderSiteScript(attribution ? bundles.attribution : bundles.core, { siteKey: match[1], endpoint, sampleRate: site.samplingRate });
    void reply
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('cache-control', v === version ? `public, max-age=${YEAR_SECONDS}, immutable` : `public, max-age=${UNVERSIONED_MAX_AGE_SECONDS}`)
      .header('access-control-allow-origin', '*')
      .header('etag', `"${version}"`)
      .send(body);
  }

  @Get('api/sites/:id/snippet')
  @AdminOnly()
  @ApiTags('sites')
  @ApiOperation({ summary: 'The copy-paste tag for a site (versioned, long-cached script URL)' })
  @ApiQuery({ name: 'attribution', required: false, type: Boolean, description: 'Use the attribution build (LCP element, INP target, CLS source)' })
  @ApiQuery({ name: 'consent', required: false, enum: ['required'], description: 'Send nothing until parallax("consent", true)' })
  @ApiQuery({ name: 'release', required: false, type: String })
  async tag(
    @UuidParam('id') id: string,
    @Req() request: FastifyRequest,
    @Query('attribution') attribution?: string,
    @Query('consent') consent?: string,
    @Query('release') release?: string,
  ) {
    const site = await this.sites.get(id);
    const bundles = this.loadBundles();
    const withAttribution = attribution === 'true' || attribution === '1';
    const base = this.baseUrl(request);
    const endpoint = `${base}${this.config.collectPath}`;
    const version = this.version(withAttribution ? bundles.attributionHash : bundles.coreHash, endpoint, site.samplingRate);
    const scriptUrl = `${base}${SCRIPT_PREFIX}/${site.siteKey}${withAttribution ? '.a' : ''}.js?v=${version}`;
    return {
      scriptUrl,
      collectUrl: endpoint,
      tag: buildLoaderTag({ scriptUrl, release: release || undefined, consentRequired: consent === 'required' }),
    };
  }
}
