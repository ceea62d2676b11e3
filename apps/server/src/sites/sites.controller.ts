import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateSiteDto, SiteView, UpdateSiteDto } from './dto/site.dto';
import { SitesService } from './sites.service';
import { AdminOnly } from '../common/auth';
import { UuidParam } from '../common/uuid';

@ApiTags('sites')
@AdminOnly()
@Controller('api/sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a site; the answer carries its public site key' })
  @ApiCreatedResponse({ type: SiteView })
  create(@Body() body: CreateSiteDto): Promise<SiteView> {
    return this.sites.create(body);
  }

  @Get()
  @ApiOkResponse({ type: [SiteView] })
  list(): Promise<SiteView[]> {
    return this.sites.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: SiteView })
  get(@UuidParam('id') id: string): Promise<SiteView> {
    return this.sites.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: SiteView })
  update(@UuidParam('id') id: string, @Body() body: UpdateSiteDto): Promise<SiteView> {
    return this.sites.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a site and all of its data' })
  delete(@UuidParam('id') id: string): Promise<void> {
    return this.sites.delete(id);
  }
}
